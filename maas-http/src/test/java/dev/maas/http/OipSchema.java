package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Validates JSON bodies against the component schemas of the Open Inference Protocol's OpenAPI
 * document ({@code open_inference_rest.yaml}, OpenAPI 3.0, whose schemas are JSON Schema draft 4).
 * Thread-safe.
 */
final class OipSchema {
  private static final JsonNode DOCUMENT = load();
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
  private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();
  private static final ObjectMapper JSON = new ObjectMapper();

  private OipSchema() {}

  private static JsonNode load() {
    try (InputStream in = OipSchema.class.getResourceAsStream("oip/open_inference_rest.yaml")) {
      return new YAMLMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts that {@code body} is a valid {@code component} (such as {@code inference_response}). */
  static void assertValid(String component, String body) {
    assertThat(DOCUMENT.path("components").path("schemas").has(component)).as("schema " + component).isTrue();
    Schema schema = SCHEMAS.computeIfAbsent(component, c -> {
      ObjectNode root = (ObjectNode) DOCUMENT.deepCopy();
      root.put("$ref", "#/components/schemas/" + c);
      return REGISTRY.getSchema(root);
    });
    JsonNode node = JSON.readTree(body);
    assertThat(schema.validate(node)).as(component + ": " + body).isEmpty();
  }
}
