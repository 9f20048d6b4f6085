package dev.maas.http;

import dev.maas.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An Open Inference Protocol inference response ({@code $inference_response}): the model that
 * answered, the request's id, parameters and the output tensors.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param modelName the name of the model that answered
 * @param modelVersion its version, if the server versions models
 * @param id the request's id, if it had one
 * @param parameters the response's parameters: each value a {@code String}, {@code Boolean} or
 *     {@code Number}
 * @param outputs the output tensors
 */
public record InferenceResponse(String modelName, Optional<String> modelVersion, Optional<String> id,
    Map<String, Object> parameters, List<InferenceTensor> outputs) {
  /** Validates and copies the components. */
  public InferenceResponse {
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(modelVersion, "modelVersion");
    Objects.requireNonNull(id, "id");
    parameters = Parameters.copy(parameters);
    outputs = List.copyOf(outputs);
  }

  /**
   * The response to {@code request} from version {@code modelVersion} of model {@code modelName}
   * with {@code outputs} (in their map's order), echoing the request's id.
   */
  public static InferenceResponse answering(InferenceRequest request, String modelName, Optional<String> modelVersion,
      Map<String, Tensor> outputs) {
    return new InferenceResponse(modelName, modelVersion, request.id(), Map.of(),
        outputs.entrySet().stream().map(e -> InferenceTensor.of(e.getKey(), e.getValue())).toList());
  }
}
