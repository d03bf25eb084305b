package io.chaintrack.connectors.flink;

import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Type information for a class Flink treats as one opaque value with its own serializer (never Kryo,
 * never a POJO); subclasses only say how to serialize. Two infos are equal when kind and class are.
 */
public abstract class SingleValueTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;

    protected SingleValueTypeInfo(Class<T> type) {
        this.type = type;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "<" + type.getName() + ">";
    }

    @Override
    public boolean equals(Object obj) {
        return obj != null && obj.getClass() == getClass() && ((SingleValueTypeInfo<?>) obj).type.equals(type);
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj != null && obj.getClass() == getClass();
    }
}
