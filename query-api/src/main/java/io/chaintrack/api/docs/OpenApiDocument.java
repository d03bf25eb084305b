package io.chaintrack.api.docs;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAPI 3.0 document derived from the services' descriptors and their google.api.http rules, the same
 * source the REST controller follows: routes, path and query parameters, proto3-JSON schemas and the
 * problem+json error shape. Nothing in it is written by hand per route, so it cannot drift from the protos.
 */
public final class OpenApiDocument {
    private static final Pattern VARIABLE = Pattern.compile("\\{([a-z_][a-z0-9_.]*)(=[^}]*)?}");
    private static final String PROBLEM = "Problem";

    private final ProtoComments comments;
    private final boolean authEnabled;
    private final String oidcIssuer;
    private final Map<String, JsonObject> schemas = new LinkedHashMap<>();

    private OpenApiDocument(ProtoComments comments, boolean authEnabled, String oidcIssuer) {
        this.comments = comments;
        this.authEnabled = authEnabled;
        this.oidcIssuer = authEnabled ? oidcIssuer : null;
    }

    /**
     * One route of the document, as served; binding 0 is the rule itself, 1.. its additional_bindings; {@code body}
     * is the rule's body ("*": the whole request message is the JSON body; empty: none).
     */
    public record Route(String method, String template, MethodDescriptor rpc, int binding, String body) {}

    public static String render(List<ServiceDescriptor> services, ProtoComments comments, boolean authEnabled) {
        return render(services, comments, authEnabled, null);
    }

    /** As {@link #render(List, ProtoComments, boolean)}; with an OIDC issuer the bearer scheme is documented too. */
    public static String render(List<ServiceDescriptor> services, ProtoComments comments, boolean authEnabled, String oidcIssuer) {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create()
                .toJson(new OpenApiDocument(comments, authEnabled, oidcIssuer).build(services));
    }

    /** Whether a method needs a signed-in user whatever the server's auth setting (a user's wallets). */
    static boolean perUser(MethodDescriptor rpc) {
        return rpc.getService().getName().equals("WalletService");
    }

    /** The REST routes the http rules declare. */
    public static List<Route> routes(List<ServiceDescriptor> services) {
        List<Route> routes = new ArrayList<>();
        for (ServiceDescriptor service : services) {
            for (MethodDescriptor method : service.getMethods()) {
                HttpRule rule = method.getOptions().getExtension(AnnotationsProto.http);
                List<HttpRule> bindings = new ArrayList<>();
                bindings.add(rule);
                bindings.addAll(rule.getAdditionalBindingsList());
                for (int i = 0; i < bindings.size(); i++) {
                    HttpRule binding = bindings.get(i);
                    String template = switch (binding.getPatternCase()) {
                        case GET -> binding.getGet();
                        case POST -> binding.getPost();
                        case PATCH -> binding.getPatch();
                        case DELETE -> binding.getDelete();
                        case PATTERN_NOT_SET -> null;
                        default -> throw new IllegalStateException(method.getFullName() + ": only GET, POST, PATCH and DELETE rules are served");
                    };
                    if (template != null) {
                        if (!binding.getBody().isEmpty() && !binding.getBody().equals("*")) {
                            throw new IllegalStateException(method.getFullName() + ": only body \"*\" is served");
                        }
                        routes.add(new Route(binding.getPatternCase().name().toLowerCase(java.util.Locale.ROOT),
                                VARIABLE.matcher(template).replaceAll("{$1}"), method, i, binding.getBody()));
                    }
                }
            }
        }
        return routes;
    }

    private JsonObject build(List<ServiceDescriptor> services) {
        JsonObject doc = new JsonObject();
        doc.addProperty("openapi", "3.0.3");
        JsonObject info = new JsonObject();
        info.addProperty("title", "chaintrack query API");
        info.addProperty("version", "v1");
        info.addProperty("description", "Exact transfer and balance history of EVM chains. Every route is also a gRPC method "
                + "(chaintrack.v1); REST bodies are proto3 JSON as grpc-gateway renders them: lowerCamelCase names, every field "
                + "present, 64-bit integers and amounts as strings, enums by name, timestamps RFC 3339. Errors are RFC 9457 "
                + "problem documents naming the parameter at fault.");
        doc.add("info", info);
        JsonArray tags = new JsonArray();
        for (ServiceDescriptor service : services) {
            JsonObject tag = new JsonObject();
            tag.addProperty("name", service.getName());
            tag.addProperty("description", comments.of(service.getFullName()));
            tags.add(tag);
        }
        doc.add("tags", tags);

        JsonObject paths = new JsonObject();
        for (Route route : routes(services)) {
            JsonObject item = paths.has(route.template()) ? paths.getAsJsonObject(route.template()) : new JsonObject();
            item.add(route.method(), operation(route));
            paths.add(route.template(), item);
        }
        paths.add("/metrics", plainOperation("Operations", "Prometheus metrics (text exposition format; OpenMetrics on request).", "text/plain"));
        paths.add("/openapi.json", plainOperation("Operations", "This document.", "application/json"));
        paths.add("/docs", plainOperation("Operations", "Interactive documentation of this document (works offline).", "text/html"));
        JsonObject asset = plainOperation("Operations", "Static files of the interactive documentation.", "application/octet-stream");
        JsonArray assetParams = new JsonArray();
        assetParams.add(parameter("file", "path", true, "File name of a documentation asset.", stringSchema()));
        asset.getAsJsonObject("get").add("parameters", assetParams);
        paths.add("/docs/assets/{file}", asset);
        paths.add("/app", plainOperation("Operations", "The web app's page (docs/api.md, Web app), also at /app/.", "text/html"));
        JsonObject app = plainOperation("Operations", "A bundled file of the web app (index.html, app.js, app.css, favicon.svg); any"
                + " other name is a 404.", "application/octet-stream");
        JsonArray appParams = new JsonArray();
        appParams.add(parameter("file", "path", true, "File name of the web app.", stringSchema()));
        app.getAsJsonObject("get").add("parameters", appParams);
        paths.add("/app/{file}", app);
        paths.add("/app/config.json", plainOperation("Operations", "The web app's sign-in settings: whether sign-in is configured, the"
                + " issuer, the client id (the configured audience) and the provider's authorization and token endpoints.",
                "application/json"));
        doc.add("paths", paths);

        JsonObject components = new JsonObject();
        schemas.put(PROBLEM, problemSchema());
        JsonObject schemaObject = new JsonObject();
        schemas.forEach(schemaObject::add);
        components.add("schemas", schemaObject);
        JsonObject parameters = new JsonObject();
        parameters.add("RequestId", parameter("X-Request-Id", "header", false,
                "Optional request id ([A-Za-z0-9._:-], up to 128 characters); echoed back in X-Request-Id and logged. "
                        + "Generated when absent or unusable.", stringSchema()));
        parameters.add("GrpcTimeout", parameter("Grpc-Timeout", "header", false,
                "Optional deadline in gRPC form (digits and a unit H, M, S, m, u, n; e.g. 500m). It can only shorten the "
                        + "server's request timeout.", stringSchema()));
        components.add("parameters", parameters);
        if (authEnabled) {
            JsonObject schemes = new JsonObject();
            JsonObject apiKey = new JsonObject();
            apiKey.addProperty("type", "apiKey");
            apiKey.addProperty("in", "header");
            apiKey.addProperty("name", "x-api-key");
            apiKey.addProperty("description", "API key (same header on gRPC as metadata). Health, metrics and docs are open.");
            schemes.add("ApiKey", apiKey);
            if (oidcIssuer != null) {
                JsonObject bearer = new JsonObject();
                bearer.addProperty("type", "http");
                bearer.addProperty("scheme", "bearer");
                bearer.addProperty("bearerFormat", "JWT");
                bearer.addProperty("description", "An OpenID Connect token of " + oidcIssuer + " (Authorization: Bearer <JWT>;"
                        + " on gRPC the authorization metadata): signs in a user, whose wallets the WalletService routes serve.");
                schemes.add("BearerAuth", bearer);
            }
            components.add("securitySchemes", schemes);
        }
        doc.add("components", components);
        return doc;
    }

    private JsonObject operation(Route route) {
        MethodDescriptor rpc = route.rpc();
        boolean health = rpc.getService().getName().equals("HealthService");
        JsonObject op = new JsonObject();
        JsonArray tags = new JsonArray();
        tags.add(rpc.getService().getName());
        op.add("tags", tags);
        // operation ids are unique per route: an additional binding gets its index
        op.addProperty("operationId", rpc.getService().getName() + "_" + rpc.getName() + (route.binding() == 0 ? "" : "_" + route.binding()));
        op.addProperty("summary", firstLine(comments.of(rpc.getFullName())));
        op.addProperty("description", comments.of(rpc.getFullName()) + "\n\ngRPC: `" + rpc.getService().getFullName() + "/" + rpc.getName() + "`");

        Descriptor input = rpc.getInputType();
        Set<String> pathFields = new LinkedHashSet<>();
        Matcher m = VARIABLE.matcher(route.template());
        while (m.find()) {
            pathFields.add(m.group(1));
        }
        JsonArray parameters = new JsonArray();
        for (String name : pathFields) {
            FieldDescriptor field = input.findFieldByName(name);
            parameters.add(parameter(name, "path", true, describe(field), fieldSchema(field, false)));
        }
        boolean hasBody = !route.body().isEmpty();
        if (hasBody) {
            JsonObject requestBody = new JsonObject();
            requestBody.addProperty("required", true);
            JsonObject content = new JsonObject();
            JsonObject json = new JsonObject();
            json.add("schema", schemaRef(input));
            content.add("application/json", json);
            if (rpc.getName().equals("ImportWallets")) {
                JsonObject csv = new JsonObject();
                JsonObject text = stringSchema();
                text.addProperty("description", "The CSV file itself: header chain_id,address,label[,tags].");
                csv.add("schema", text);
                content.add("text/csv", csv);
            }
            requestBody.add("content", content);
            op.add("requestBody", requestBody);
        }
        for (FieldDescriptor field : input.getFields()) {
            if (!hasBody && !pathFields.contains(field.getName())) {
                String description = describe(field)
                        + (field.getJsonName().equals(field.getName()) ? "" : " Also accepted as `" + field.getJsonName() + "`.");
                parameters.add(parameter(field.getName(), "query", false, description, fieldSchema(field, false)));
            }
        }
        parameters.add(ref("#/components/parameters/RequestId"));
        parameters.add(ref("#/components/parameters/GrpcTimeout"));
        op.add("parameters", parameters);

        JsonObject responses = new JsonObject();
        if (rpc.isServerStreaming()) {
            // SSE: each event's data is one response message in proto3 JSON
            JsonObject events = stringSchema();
            events.addProperty("description", "text/event-stream: `event: " + eventName(rpc) + "` with `data:` = one "
                    + rpc.getOutputType().getName() + " in proto3 JSON (schema "
                    + "#/components/schemas/" + rpc.getOutputType().getName() + "); `event: error` with a problem document"
                    + " ends the stream; comment lines keep idle connections open.");
            schemaRef(rpc.getOutputType());
            responses.add("200", response("A stream of Server-Sent Events.", "text/event-stream", events));
        } else {
            responses.add("200", response("OK", "application/json", schemaRef(rpc.getOutputType())));
        }
        if (health) {
            responses.add("503", response("The database does not answer (status NOT_SERVING).", "application/json", schemaRef(rpc.getOutputType())));
        } else {
            boolean user = perUser(rpc);
            responses.add("400", problem("A parameter is malformed or unknown; `parameter` names it."));
            if (authEnabled || user) {
                String credentials = oidcIssuer != null ? "No, unknown or refused credential (x-api-key, or Authorization: Bearer)"
                        : "No or unknown x-api-key";
                responses.add("401", withHeader(problem(credentials + (user ? ", or no signed-in user." : ".")), "WWW-Authenticate",
                        "The scheme(s) to use: `ApiKey realm=\"chaintrack\", header=\"x-api-key\"`"
                                + (oidcIssuer != null ? ", `Bearer realm=\"chaintrack\"`; for a refused token `error=\"invalid_token\"`"
                                + " and `error_description` say why." : "."), stringSchema()));
                responses.add("403", problem(user ? "The key's tier does not include this method, or the key belongs to no user."
                        : "The key's tier does not include this method."));
            }
            if (user && route.template().contains("{wallet_id}")) {
                responses.add("404", problem("The signed-in user has no such wallet (another user's wallet answers the same)."));
            }
            if (authEnabled || rpc.isServerStreaming()) {
                String why = (authEnabled ? "The key's request rate is exhausted" : "")
                        + (authEnabled && rpc.isServerStreaming() ? ", or t" : rpc.isServerStreaming() ? "T" : "")
                        + (rpc.isServerStreaming() ? "his replica already serves its maximum of live streams" : "");
                JsonObject seconds = new JsonObject();
                seconds.addProperty("type", "integer");
                responses.add("429", withHeader(problem(why + "; retry after the Retry-After header's seconds."), "Retry-After",
                        "Seconds to wait before retrying.", seconds));
            }
            responses.add("503", problem("The database does not answer; retry later."));
            responses.add("504", problem("The request deadline passed."));
        }
        responses.add("500", problem("Unexpected server error (no internals are shown)."));
        op.add("responses", responses);
        if (authEnabled && !health) {
            JsonArray security = new JsonArray();
            JsonObject requirement = new JsonObject();
            requirement.add("ApiKey", new JsonArray());
            security.add(requirement);
            if (oidcIssuer != null) {
                JsonObject bearer = new JsonObject();
                bearer.add("BearerAuth", new JsonArray());
                security.add(bearer);
            }
            op.add("security", security);
        }
        return op;
    }

    /** The SSE event name of a streaming method's messages: "transfer" for StreamAddressTransfers. */
    public static String eventName(MethodDescriptor rpc) {
        String name = rpc.getName().replaceFirst("^Stream", "").replaceFirst("^Address", "");
        String singular = name.endsWith("ies") ? name.substring(0, name.length() - 3) + "y"
                : name.endsWith("s") ? name.substring(0, name.length() - 1) : name;
        return singular.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + singular.substring(1);
    }

    private String describe(FieldDescriptor field) {
        String text = comments.of(field.getFullName());
        if (text.isEmpty() && field.getJavaType() == FieldDescriptor.JavaType.ENUM) {
            // an uncommented enum field (direction) is described by its type
            text = comments.of(field.getEnumType().getFullName());
        }
        return text.isEmpty() ? field.getName().replace('_', ' ') + "." : text;
    }

    private JsonObject fieldSchema(FieldDescriptor field, boolean inMessage) {
        JsonObject schema = scalarSchema(field, inMessage);
        if (field.isRepeated()) {
            JsonObject array = new JsonObject();
            array.addProperty("type", "array");
            array.add("items", schema);
            return array;
        }
        return schema;
    }

    private JsonObject scalarSchema(FieldDescriptor field, boolean inMessage) {
        JsonObject schema = new JsonObject();
        switch (field.getType()) {
            case DOUBLE, FLOAT -> {
                schema.addProperty("type", "number");
                schema.addProperty("format", field.getType() == FieldDescriptor.Type.DOUBLE ? "double" : "float");
            }
            case INT32, SINT32, SFIXED32 -> {
                schema.addProperty("type", "integer");
                schema.addProperty("format", "int32");
            }
            case UINT32, FIXED32 -> {
                schema.addProperty("type", "integer");
                schema.addProperty("format", "int64");
                schema.addProperty("minimum", 0);
                schema.addProperty("maximum", 4294967295L);
            }
            case INT64, SINT64, SFIXED64 -> {
                schema.addProperty("type", "string");
                schema.addProperty("format", "int64");
            }
            case UINT64, FIXED64 -> {
                schema.addProperty("type", "string");
                schema.addProperty("format", "uint64");
                schema.addProperty("pattern", "^[0-9]+$");
            }
            case BOOL -> schema.addProperty("type", "boolean");
            case STRING -> schema.addProperty("type", "string");
            case BYTES -> {
                schema.addProperty("type", "string");
                schema.addProperty("format", "byte");
            }
            case ENUM -> {
                schema.addProperty("type", "string");
                JsonArray values = new JsonArray();
                for (EnumValueDescriptor value : field.getEnumType().getValues()) {
                    values.add(value.getName());
                }
                schema.add("enum", values);
            }
            case MESSAGE -> {
                String type = field.getMessageType().getFullName();
                if (type.equals("google.protobuf.Timestamp")) {
                    schema.addProperty("type", "string");
                    schema.addProperty("format", "date-time");
                } else if (type.equals("google.protobuf.Duration")) {
                    schema.addProperty("type", "string");
                    schema.addProperty("pattern", "^-?[0-9]+(\\.[0-9]+)?s$");
                } else {
                    JsonArray allOf = new JsonArray();
                    allOf.add(schemaRef(field.getMessageType()));
                    schema.add("allOf", allOf);
                }
                if (inMessage && !field.isRepeated()) {
                    schema.addProperty("nullable", true);
                }
            }
            default -> schema.addProperty("type", "string");
        }
        if (inMessage) {
            String text = comments.of(field.getFullName());
            if (!text.isEmpty()) {
                schema.addProperty("description", text);
            }
        }
        return schema;
    }

    private JsonObject schemaRef(Descriptor message) {
        String name = message.getName();
        if (!schemas.containsKey(name)) {
            schemas.put(name, new JsonObject()); // placeholder first: recursive types terminate
            JsonObject schema = new JsonObject();
            schema.addProperty("type", "object");
            String text = comments.of(message.getFullName());
            if (!text.isEmpty()) {
                schema.addProperty("description", text);
            }
            JsonObject properties = new JsonObject();
            JsonArray required = new JsonArray();
            for (FieldDescriptor field : message.getFields()) {
                properties.add(field.getJsonName(), fieldSchema(field, true));
                required.add(field.getJsonName());
            }
            schema.add("properties", properties);
            if (!required.isEmpty()) {
                // every field is always present in responses (unset messages as null)
                schema.add("required", required);
            }
            schemas.put(name, schema);
        }
        return ref("#/components/schemas/" + name);
    }

    private JsonObject problemSchema() {
        JsonObject schema = new JsonObject();
        schema.addProperty("type", "object");
        schema.addProperty("description", "RFC 9457 problem document; the only error shape of the REST API.");
        JsonObject properties = new JsonObject();
        properties.add("type", described(stringSchema(), "Problem type URN, e.g. urn:chaintrack:problem:invalid-argument."));
        properties.add("title", described(stringSchema(), "Short title of the problem type."));
        JsonObject status = new JsonObject();
        status.addProperty("type", "integer");
        properties.add("status", described(status, "HTTP status code."));
        properties.add("detail", described(stringSchema(), "What is wrong, starting with the parameter name when there is one."));
        JsonObject parameter = stringSchema();
        parameter.addProperty("nullable", true);
        properties.add("parameter", described(parameter, "The request parameter at fault (proto field name, or the header name), or null."));
        properties.add("grpcCode", described(stringSchema(), "The gRPC status code the same failure has on gRPC."));
        schema.add("properties", properties);
        JsonArray required = new JsonArray();
        for (String name : List.of("type", "title", "status", "detail", "parameter", "grpcCode")) {
            required.add(name);
        }
        schema.add("required", required);
        return schema;
    }

    private static JsonObject described(JsonObject schema, String description) {
        schema.addProperty("description", description);
        return schema;
    }

    private static JsonObject plainOperation(String tag, String summary, String mediaType) {
        JsonObject op = new JsonObject();
        JsonArray tags = new JsonArray();
        tags.add(tag);
        op.add("tags", tags);
        op.addProperty("summary", summary);
        JsonObject responses = new JsonObject();
        responses.add("200", response("OK", mediaType, stringSchema()));
        op.add("responses", responses);
        JsonObject item = new JsonObject();
        item.add("get", op);
        return item;
    }

    private JsonObject problem(String description) {
        return response(description, "application/problem+json", ref("#/components/schemas/" + PROBLEM));
    }

    private static JsonObject withHeader(JsonObject response, String name, String description, JsonObject schema) {
        JsonObject header = new JsonObject();
        header.addProperty("description", description);
        header.add("schema", schema);
        JsonObject headers = new JsonObject();
        headers.add(name, header);
        response.add("headers", headers);
        return response;
    }

    private static JsonObject response(String description, String mediaType, JsonObject schema) {
        JsonObject response = new JsonObject();
        response.addProperty("description", description);
        JsonObject content = new JsonObject();
        JsonObject media = new JsonObject();
        media.add("schema", schema);
        content.add(mediaType, media);
        response.add("content", content);
        return response;
    }

    private static JsonObject parameter(String name, String in, boolean required, String description, JsonObject schema) {
        JsonObject parameter = new JsonObject();
        parameter.addProperty("name", name);
        parameter.addProperty("in", in);
        parameter.addProperty("required", required);
        parameter.addProperty("description", description);
        parameter.add("schema", schema);
        return parameter;
    }

    private static JsonObject stringSchema() {
        JsonObject schema = new JsonObject();
        schema.addProperty("type", "string");
        return schema;
    }

    private static JsonObject ref(String target) {
        JsonObject ref = new JsonObject();
        ref.addProperty("$ref", target);
        return ref;
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}
