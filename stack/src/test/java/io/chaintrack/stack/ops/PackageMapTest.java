package io.chaintrack.stack.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md's package map names every main package of every module, so a newcomer finds any feature
 * in two hops (module, then package); a package added without a line there fails here.
 */
class PackageMapTest {
    @Test
    void everyMainPackageIsInThePackageMap() throws IOException {
        Path root = Manifests.repoRoot();
        String doc = Files.readString(root.resolve("docs/architecture.md"));
        int start = doc.indexOf("## Package map");
        assertThat(start).as("docs/architecture.md has a '## Package map' section").isNotNegative();
        int end = doc.indexOf("\n## ", start + 1);
        String map = doc.substring(start, end < 0 ? doc.length() : end);
        TreeSet<String> named = new TreeSet<>();
        Matcher m = Pattern.compile("`([a-z0-9.]+)`").matcher(map);
        while (m.find()) {
            named.add(m.group(1));
        }
        TreeSet<String> missing = new TreeSet<>();
        for (String pkg : mainPackages(root)) {
            String shortName = pkg.startsWith("io.chaintrack.") ? pkg.substring("io.chaintrack.".length()) : pkg;
            if (!named.contains(pkg) && !named.contains(shortName)) {
                missing.add(pkg);
            }
        }
        assertThat(missing).as("main packages missing from docs/architecture.md's package map").isEmpty();
    }

    private static List<String> mainPackages(Path root) throws IOException {
        TreeSet<String> packages = new TreeSet<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(Files::isDirectory).toList()) {
                Path sources = module.resolve("src/main/java");
                if (!Files.isDirectory(sources)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(sources)) {
                    files.filter(f -> f.toString().endsWith(".java"))
                            .map(f -> sources.relativize(f.getParent()).toString().replace('/', '.'))
                            .forEach(packages::add);
                }
            }
        }
        assertThat(packages).as("main packages found under */src/main/java").hasSizeGreaterThan(20);
        return List.copyOf(packages);
    }
}
