package dev.promptengine.deploy.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Renders a kustomization directory as {@code kustomize build} would, for the subset of kustomize
 * the manifests use: {@code resources} (files and directories with their own kustomization),
 * {@code namespace}, {@code images} ({@code newName}, {@code newTag}) and {@code patches} given by
 * {@code path} (strategic merge patches that name their target by apiVersion, kind and name). No
 * kustomize binary comes from Maven Central, and the build must check the overlays as applied, so
 * this renders them; any other kustomize field fails here rather than being silently skipped.
 *
 * <p>Merging follows kustomize: maps merge key by key, {@code null} deletes; lists of built-in
 * kinds whose items have a {@code name} (containers, env, volumes) merge item by item; every other
 * list, and every list of a custom resource (kustomize has no merge keys for CRDs), is replaced.
 */
final class Kustomization {

    private static final Set<String> SUPPORTED =
            Set.of("apiVersion", "kind", "resources", "namespace", "images", "patches");

    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding");

    private Kustomization() {}

    static List<Map<String, Object>> render(Path directory) {
        Map<String, Object> kustomization = single(directory.resolve("kustomization.yaml"));
        for (String key : kustomization.keySet()) {
            if (!SUPPORTED.contains(key)) {
                throw new IllegalArgumentException(directory + "/kustomization.yaml: '" + key
                        + "' is not rendered by this build's kustomize subset (see Kustomization)");
            }
        }
        var resources = new ArrayList<Map<String, Object>>();
        for (Object entry : list(kustomization.get("resources"))) {
            Path path = directory.resolve((String) entry).normalize();
            resources.addAll(Files.isDirectory(path) ? render(path) : load(path));
        }
        for (Object entry : list(kustomization.get("patches"))) {
            Map<String, Object> patch = map(entry);
            if (!patch.keySet().equals(Set.of("path"))) {
                throw new IllegalArgumentException("only patches with a path are rendered: " + patch);
            }
            for (Map<String, Object> document : load(directory.resolve((String) patch.get("path")))) {
                apply(resources, document, directory + "/" + patch.get("path"));
            }
        }
        for (Object entry : list(kustomization.get("images"))) {
            Map<String, Object> image = map(entry);
            resources.forEach(resource -> replaceImage(resource, image));
        }
        Object namespace = kustomization.get("namespace");
        if (namespace != null) {
            for (var resource : resources) {
                if (!CLUSTER_SCOPED.contains(resource.get("kind"))) {
                    metadata(resource).put("namespace", namespace);
                }
            }
        }
        return resources;
    }

    /** Every YAML document of a file, in order (empty documents dropped). */
    static List<Map<String, Object>> load(Path file) {
        try {
            var documents = new ArrayList<Map<String, Object>>();
            for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
                if (document != null) {
                    if (!(document instanceof Map)) {
                        throw new IllegalArgumentException(file + ": a document that is not a mapping");
                    }
                    documents.add(map(document));
                }
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> single(Path file) {
        var documents = load(file);
        if (documents.size() != 1) {
            throw new IllegalArgumentException(file + ": expected one document, found " + documents.size());
        }
        return documents.get(0);
    }

    private static void apply(List<Map<String, Object>> resources, Map<String, Object> patch, String source) {
        var target = resources.stream()
                .filter(resource -> Objects.equals(resource.get("apiVersion"), patch.get("apiVersion"))
                        && Objects.equals(resource.get("kind"), patch.get("kind"))
                        && Objects.equals(
                                metadata(resource).get("name"), metadata(patch).get("name")))
                .toList();
        if (target.size() != 1) {
            throw new IllegalArgumentException(source + ": the patch of " + patch.get("kind") + " "
                    + metadata(patch).get("name") + " matches " + target.size() + " resources, not one");
        }
        boolean builtIn = !((String) patch.get("apiVersion")).contains(".")
                || ((String) patch.get("apiVersion")).contains(".k8s.io/");
        merge(target.get(0), patch, builtIn);
    }

    private static void merge(Map<String, Object> target, Map<String, Object> patch, boolean strategicLists) {
        patch.forEach((key, value) -> {
            Object existing = target.get(key);
            if (value == null) {
                target.remove(key);
            } else if (value instanceof Map && existing instanceof Map) {
                merge(map(existing), map(value), strategicLists);
            } else if (strategicLists
                    && value instanceof List<?> items
                    && existing instanceof List<?> current
                    && named(items)
                    && named(current)) {
                target.put(key, mergeByName(current, items));
            } else {
                target.put(key, value);
            }
        });
    }

    private static List<Object> mergeByName(List<?> current, List<?> patch) {
        var merged = new ArrayList<Object>(current);
        for (Object item : patch) {
            Object name = map(item).get("name");
            var match = merged.stream()
                    .filter(existing -> name.equals(map(existing).get("name")))
                    .findFirst();
            if (match.isPresent()) {
                merge(map(match.get()), map(item), true);
            } else {
                merged.add(item);
            }
        }
        return merged;
    }

    private static boolean named(List<?> items) {
        return !items.isEmpty()
                && items.stream().allMatch(item -> item instanceof Map<?, ?> m && m.get("name") != null);
    }

    private static void replaceImage(Map<String, Object> resource, Map<String, Object> image) {
        if (!"Deployment".equals(resource.get("kind"))) {
            return;
        }
        Map<String, Object> pod =
                map(map(map(resource.get("spec")).get("template")).get("spec"));
        for (Object container : list(pod.get("containers"))) {
            Map<String, Object> c = map(container);
            String current = (String) c.get("image");
            String name = current.contains(":") ? current.substring(0, current.lastIndexOf(':')) : current;
            if (name.equals(image.get("name"))) {
                String tag = current.contains(":") ? current.substring(current.lastIndexOf(':') + 1) : "latest";
                c.put("image", image.getOrDefault("newName", name) + ":" + image.getOrDefault("newTag", tag));
            }
        }
    }

    static Map<String, Object> metadata(Map<String, Object> resource) {
        return map(resource.computeIfAbsent("metadata", key -> new LinkedHashMap<String, Object>()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("expected a mapping, found " + value);
        }
        return (Map<String, Object>) value;
    }

    static List<?> list(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> items)) {
            throw new IllegalArgumentException("expected a list, found " + value);
        }
        return items;
    }
}
