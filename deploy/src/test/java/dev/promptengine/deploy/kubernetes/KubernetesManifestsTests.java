package dev.promptengine.deploy.kubernetes;

import static dev.promptengine.deploy.kubernetes.Kustomization.list;
import static dev.promptengine.deploy.kubernetes.Kustomization.map;
import static dev.promptengine.deploy.kubernetes.Kustomization.metadata;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KubernetesManifestsTests {

    private static final Path KUBERNETES = Path.of("kubernetes");

    private final ManifestValidator validator = new ManifestValidator();

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/production"})
    void everyRenderedManifestIsValidAgainstItsApi(String kustomization) {
        var manifests = Kustomization.render(KUBERNETES.resolve(kustomization));

        assertThat(manifests).hasSizeGreaterThan(35);
        assertThat(problems(manifests)).isEmpty();
    }

    @Test
    void theSecretsTemplateIsValidAndHoldsNoPassword() {
        var secrets = Kustomization.load(KUBERNETES.resolve("secrets.template.yaml"));

        assertThat(problems(secrets)).isEmpty();
        assertThat(secrets).allSatisfy(secret -> {
            var data = map(secret.get("stringData"));
            String secretPart = (String) data.getOrDefault("password", data.get("auth-keys.yml"));
            assertThat(secretPart).contains("REPLACE-WITH");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/production"})
    void everyReferenceResolvesToAResourceOfTheInstall(String kustomization) {
        var manifests = Kustomization.render(KUBERNETES.resolve(kustomization));
        var secrets = new HashSet<String>();
        Kustomization.load(KUBERNETES.resolve("secrets.template.yaml")).forEach(s -> secrets.add(name(s)));
        // the Strimzi user operator writes one Secret per KafkaUser
        ofKind(manifests, "KafkaUser").forEach(user -> secrets.add(name(user)));
        var configMaps = names(ofKind(manifests, "ConfigMap"));
        var deployments = ofKind(manifests, "Deployment");

        for (var deployment : deployments) {
            Map<String, Object> template = map(map(deployment.get("spec")).get("template"));
            var podLabels = map(metadata(template).get("labels"));
            assertThat(podLabels)
                    .as("%s selector", name(deployment))
                    .containsAllEntriesOf(
                            matchLabels(map(deployment.get("spec")).get("selector")));
            Map<String, Object> pod = map(template.get("spec"));
            for (Object volume : list(pod.get("volumes"))) {
                var v = map(volume);
                if (v.get("secret") != null) {
                    assertThat(secrets).contains((String) map(v.get("secret")).get("secretName"));
                }
                if (v.get("configMap") != null) {
                    assertThat(configMaps)
                            .contains((String) map(v.get("configMap")).get("name"));
                }
            }
            for (Object container : list(pod.get("containers"))) {
                for (Object env : list(map(container).get("env"))) {
                    var from = map(env).get("valueFrom");
                    if (from != null && map(from).get("secretKeyRef") != null) {
                        assertThat(secrets)
                                .as("%s env %s", name(deployment), map(env).get("name"))
                                .contains((String)
                                        map(map(from).get("secretKeyRef")).get("name"));
                    }
                }
            }
        }
        for (var selecting : Stream.concat(
                        ofKind(manifests, "Service").stream(), ofKind(manifests, "PodDisruptionBudget").stream())
                .toList()) {
            Object selector = map(selecting.get("spec")).get("selector");
            var labels = "Service".equals(selecting.get("kind")) ? map(selector) : matchLabels(selector);
            assertThat(deployments)
                    .as("%s %s selects a Deployment's pods", selecting.get("kind"), name(selecting))
                    .anySatisfy(deployment -> assertThat(
                                    map(metadata(map(map(deployment.get("spec")).get("template")))
                                            .get("labels")))
                            .containsAllEntriesOf(labels));
        }
        for (var scaled : ofKind(manifests, "ScaledObject")) {
            var spec = map(scaled.get("spec"));
            assertThat(names(deployments))
                    .contains((String) map(spec.get("scaleTargetRef")).get("name"));
            for (Object trigger : list(spec.get("triggers"))) {
                String auth =
                        (String) map(map(trigger).get("authenticationRef")).get("name");
                assertThat(names(ofKind(manifests, "TriggerAuthentication"))).contains(auth);
            }
        }
    }

    @Test
    void consumerLagScalingWatchesTheServicesOwnGroupsAndNeverOutgrowsThePartitions() throws Exception {
        var manifests = Kustomization.render(KUBERNETES.resolve("overlays/production"));
        int partitions = ofKind(manifests, "KafkaTopic").stream()
                .filter(topic -> name(topic).equals("promptengine.execution.v1"))
                .map(topic -> (Integer) map(topic.get("spec")).get("partitions"))
                .findFirst()
                .orElseThrow();

        for (String service : List.of("cost-service", "analytics-service")) {
            var scaled = ofKind(manifests, "ScaledObject").stream()
                    .filter(s -> name(s).equals(service))
                    .findFirst()
                    .orElseThrow();
            var trigger = map(list(map(scaled.get("spec")).get("triggers")).get(0));
            String applicationYml = Files.readString(Path.of("..", service, "src/main/resources/application.yml"));
            assertThat(applicationYml)
                    .contains("group-id: " + map(trigger.get("metadata")).get("consumerGroup"));
            assertThat((Integer) map(scaled.get("spec")).get("maxReplicaCount")).isLessThanOrEqualTo(partitions);
        }
        // one consumer per pod, so that pods are the unit KEDA scales
        String config =
                (String) map(ofKind(manifests, "ConfigMap").get(0).get("data")).get("kubernetes.yml");
        assertThat(config)
                .contains("concurrency: 1")
                .contains("sasl.mechanism: SCRAM-SHA-512")
                .contains("create: false");
    }

    @Test
    void overlaysPatchWhatTheyNameAndKeepTheRest() {
        var dev = Kustomization.render(KUBERNETES.resolve("overlays/dev"));
        var production = Kustomization.render(KUBERNETES.resolve("overlays/production"));

        var devIngest = one(dev, "Deployment", "ingest-service");
        assertThat(map(devIngest.get("spec")).get("replicas")).isEqualTo(1);
        var container =
                map(list(map(map(map(devIngest.get("spec")).get("template")).get("spec"))
                                .get("containers"))
                        .get(0));
        assertThat(map(map(container.get("resources")).get("requests")))
                .containsEntry("cpu", "100m")
                .containsEntry("memory", "768Mi");
        assertThat(list(container.get("env"))).hasSizeGreaterThan(5);
        assertThat(metadata(devIngest)).containsEntry("namespace", "promptengine-dev");
        assertThat(map(one(dev, "Cluster", "promptengine-db").get("spec")))
                .containsEntry("instances", 1)
                .containsKey("managed");

        var productionIngest = one(production, "Deployment", "ingest-service");
        var image = map(list(map(map(map(productionIngest.get("spec")).get("template"))
                                        .get("spec"))
                                .get("containers"))
                        .get(0))
                .get("image");
        assertThat(image).isEqualTo("registry.example.com/promptengine/ingest-service:0.1.0");
        assertThat(map(one(production, "Cluster", "promptengine-db").get("spec")))
                .containsEntry("instances", 2);
    }

    @Test
    void aTypoedFieldInADeploymentFails() {
        var deployment = one(Kustomization.render(KUBERNETES.resolve("base")), "Deployment", "ingest-service");
        var pod = map(map(map(deployment.get("spec")).get("template")).get("spec"));
        var container = map(list(pod.get("containers")).get(0));
        container.put("readinesProbe", container.remove("readinessProbe"));

        assertThat(validator.problems(deployment)).singleElement().asString().contains("readinesProbe");
    }

    @Test
    void aWrongTypeInAKafkaTopicFails() {
        var topic = Kustomization.render(KUBERNETES.resolve("base")).stream()
                .filter(resource -> "KafkaTopic".equals(resource.get("kind")))
                .findFirst()
                .orElseThrow();
        map(topic.get("spec")).put("partitions", "six");

        assertThat(validator.problems(topic)).singleElement().asString().contains("partitions");
    }

    @Test
    void anUnknownAclOperationInAKafkaUserFails() {
        var user = one(Kustomization.render(KUBERNETES.resolve("base")), "KafkaUser", "cost-service");
        var acl = map(list(map(map(user.get("spec")).get("authorization")).get("acls"))
                .get(0));
        acl.put("operations", List.of("Raed"));

        assertThat(validator.problems(user)).singleElement().asString().contains("Raed");
    }

    @Test
    void aTypoInTheDatabaseClusterAndInTheScalerFails() {
        var manifests = Kustomization.render(KUBERNETES.resolve("base"));
        var cluster = one(manifests, "Cluster", "promptengine-db");
        map(cluster.get("spec")).put("instance", 2);
        var scaled = one(manifests, "ScaledObject", "cost-service");
        var trigger = map(list(map(scaled.get("spec")).get("triggers")).get(0));
        map(trigger.get("metadata")).put("lagThreshold", 20000);

        assertThat(validator.problems(cluster))
                .anySatisfy(problem -> assertThat(problem).contains("instance"));
        assertThat(validator.problems(scaled))
                .anySatisfy(problem -> assertThat(problem).contains("lagThreshold"));
    }

    @Test
    void anUnknownKindOrApiVersionFails() {
        var deployment = one(Kustomization.render(KUBERNETES.resolve("base")), "Deployment", "cost-service");
        deployment.put("apiVersion", "apps/v1beta1");

        assertThat(validator.problems(deployment)).singleElement().asString().contains("no schema");
    }

    @Test
    void kustomizeFeaturesThisRendererDoesNotKnowFailInsteadOfBeingSkipped(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve("kustomization.yaml"), """
                resources: []
                commonLabels:
                  team: observability
                """);

        assertThatThrownBy(() -> Kustomization.render(directory)).hasMessageContaining("commonLabels");
    }

    @Test
    void aPatchThatMatchesNothingFails(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve("kustomization.yaml"), """
                resources:
                  - %s
                patches:
                  - path: patch.yaml
                """.formatted(
                        KUBERNETES.resolve("base").toAbsolutePath()));
        Files.writeString(directory.resolve("patch.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: ingest-servce
                spec:
                  replicas: 1
                """);

        assertThatThrownBy(() -> Kustomization.render(directory)).hasMessageContaining("ingest-servce");
    }

    private List<String> problems(List<Map<String, Object>> manifests) {
        var problems = new ArrayList<String>();
        manifests.forEach(manifest -> problems.addAll(validator.problems(manifest)));
        return problems;
    }

    private static List<Map<String, Object>> ofKind(List<Map<String, Object>> manifests, String kind) {
        return manifests.stream().filter(m -> kind.equals(m.get("kind"))).toList();
    }

    private static Map<String, Object> one(List<Map<String, Object>> manifests, String kind, String name) {
        var matching = manifests.stream()
                .filter(m -> kind.equals(m.get("kind")) && name.equals(name(m)))
                .toList();
        assertThat(matching).as("%s %s", kind, name).hasSize(1);
        return matching.get(0);
    }

    private static Set<String> names(List<Map<String, Object>> manifests) {
        var names = new HashSet<String>();
        manifests.forEach(m -> names.add(name(m)));
        return names;
    }

    private static String name(Map<String, Object> manifest) {
        return (String) Objects.requireNonNull(metadata(manifest).get("name"));
    }

    private static Map<String, Object> matchLabels(Object selector) {
        return map(map(selector).get("matchLabels"));
    }
}
