package dev.maas.onnx;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How ONNX Runtime runs one {@link OnnxModel}: threads, graph optimisation, execution mode, memory
 * arena, where to save the optimised graph, and the execution provider. Built with {@link
 * #builder()}; {@link #defaults()} is what ONNX Runtime does by default on the CPU.
 *
 * <p>Instances are immutable and safe to share between threads; builders are not.
 */
public final class OnnxOptions {
  private static final OnnxOptions DEFAULTS = builder().build();

  /** How much ONNX Runtime rewrites the graph before running it. */
  public enum OptimizationLevel {
    /** No rewriting. */
    DISABLED,
    /** Semantics-preserving rewrites such as constant folding and redundant-node removal. */
    BASIC,
    /** Basic plus fusions of common node patterns. */
    EXTENDED,
    /** Everything, including layout rewrites that tie the result to this hardware (the default). */
    ALL
  }

  /** Whether independent nodes of the graph run one after another or at once. */
  public enum ExecutionMode {
    /** One node at a time; parallelism only inside operators (the default). */
    SEQUENTIAL,
    /** Independent nodes at once on the inter-op thread pool. */
    PARALLEL
  }

  /** The hardware backend the session runs on. */
  public enum ExecutionProvider {
    /** The CPU (the default; always present). */
    CPU,
    /** An NVIDIA GPU through CUDA; needs the GPU build of ONNX Runtime and a matching CUDA install. */
    CUDA
  }

  /** Where the session's worker threads come from. */
  public enum ThreadPools {
    /** The session creates its own intra- and inter-op pools (the default). */
    PER_SESSION,
    /**
     * The session uses the process-wide pools that MaaS creates with the ONNX Runtime environment,
     * so many models in one process do not oversubscribe the cores.
     */
    SHARED
  }

  private final int intraOpThreads;
  private final int interOpThreads;
  private final OptimizationLevel optimizationLevel;
  private final ExecutionMode executionMode;
  private final boolean cpuMemoryArena;
  private final Optional<Path> optimizedModelPath;
  private final ExecutionProvider executionProvider;
  private final int deviceId;
  private final ThreadPools threadPools;

  private OnnxOptions(Builder b) {
    this.intraOpThreads = b.intraOpThreads;
    this.interOpThreads = b.interOpThreads;
    this.optimizationLevel = b.optimizationLevel;
    this.executionMode = b.executionMode;
    this.cpuMemoryArena = b.cpuMemoryArena;
    this.optimizedModelPath = Optional.ofNullable(b.optimizedModelPath);
    this.executionProvider = b.executionProvider;
    this.deviceId = b.deviceId;
    this.threadPools = b.threadPools;
  }

  /** ONNX Runtime's defaults on the CPU, with per-session thread pools. */
  public static OnnxOptions defaults() {
    return DEFAULTS;
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Intra-op threads per session; 0 lets ONNX Runtime choose (one per core). */
  public int intraOpThreads() {
    return intraOpThreads;
  }

  /** Inter-op threads per session (used in {@link ExecutionMode#PARALLEL}); 0 lets ONNX Runtime choose. */
  public int interOpThreads() {
    return interOpThreads;
  }

  /** The graph optimisation level. */
  public OptimizationLevel optimizationLevel() {
    return optimizationLevel;
  }

  /** The execution mode. */
  public ExecutionMode executionMode() {
    return executionMode;
  }

  /** Whether the CPU memory arena is enabled (it is by default). */
  public boolean cpuMemoryArena() {
    return cpuMemoryArena;
  }

  /** Where the optimised graph is saved when the session is created, if anywhere. */
  public Optional<Path> optimizedModelPath() {
    return optimizedModelPath;
  }

  /** The execution provider. */
  public ExecutionProvider executionProvider() {
    return executionProvider;
  }

  /** The device the provider uses (CUDA device ordinal); 0 by default. */
  public int deviceId() {
    return deviceId;
  }

  /** Where worker threads come from. */
  public ThreadPools threadPools() {
    return threadPools;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OnnxOptions other && intraOpThreads == other.intraOpThreads
        && interOpThreads == other.interOpThreads && optimizationLevel == other.optimizationLevel
        && executionMode == other.executionMode && cpuMemoryArena == other.cpuMemoryArena
        && optimizedModelPath.equals(other.optimizedModelPath) && executionProvider == other.executionProvider
        && deviceId == other.deviceId && threadPools == other.threadPools;
  }

  @Override
  public int hashCode() {
    return Objects.hash(intraOpThreads, interOpThreads, optimizationLevel, executionMode, cpuMemoryArena,
        optimizedModelPath, executionProvider, deviceId, threadPools);
  }

  @Override
  public String toString() {
    return "OnnxOptions[intraOpThreads=" + intraOpThreads + ", interOpThreads=" + interOpThreads
        + ", optimizationLevel=" + optimizationLevel + ", executionMode=" + executionMode + ", cpuMemoryArena="
        + cpuMemoryArena + ", optimizedModelPath=" + optimizedModelPath.map(Path::toString).orElse("none")
        + ", executionProvider=" + executionProvider + ", deviceId=" + deviceId + ", threadPools=" + threadPools + "]";
  }

  /**
   * Collects options; each setter checks its argument at once and may be called once, {@link
   * #build()} checks the combination.
   */
  public static final class Builder {
    private int intraOpThreads;
    private int interOpThreads;
    private OptimizationLevel optimizationLevel = OptimizationLevel.ALL;
    private ExecutionMode executionMode = ExecutionMode.SEQUENTIAL;
    private boolean cpuMemoryArena = true;
    private Path optimizedModelPath;
    private ExecutionProvider executionProvider = ExecutionProvider.CPU;
    private int deviceId;
    private ThreadPools threadPools = ThreadPools.PER_SESSION;

    private final java.util.Set<String> set = new java.util.HashSet<>();

    private Builder() {}

    /** Setting an option twice is a mistake (the first value would be lost silently). */
    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /** Sets intra-op threads per session; 0 lets ONNX Runtime choose. */
    public Builder intraOpThreads(int threads) {
      once("intraOpThreads");
      this.intraOpThreads = requireThreads(threads, "intraOpThreads");
      return this;
    }

    /** Sets inter-op threads per session; 0 lets ONNX Runtime choose. */
    public Builder interOpThreads(int threads) {
      once("interOpThreads");
      this.interOpThreads = requireThreads(threads, "interOpThreads");
      return this;
    }

    /** Sets the graph optimisation level. */
    public Builder optimizationLevel(OptimizationLevel level) {
      once("optimizationLevel");
      this.optimizationLevel = Objects.requireNonNull(level, "level");
      return this;
    }

    /** Sets the execution mode. */
    public Builder executionMode(ExecutionMode mode) {
      once("executionMode");
      this.executionMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Enables or disables the CPU memory arena. */
    public Builder cpuMemoryArena(boolean enabled) {
      once("cpuMemoryArena");
      this.cpuMemoryArena = enabled;
      return this;
    }

    /** Saves the optimised graph to {@code file} when the session is created. */
    public Builder optimizedModelPath(Path file) {
      once("optimizedModelPath");
      this.optimizedModelPath = Objects.requireNonNull(file, "file");
      return this;
    }

    /** Sets the execution provider. */
    public Builder executionProvider(ExecutionProvider provider) {
      once("executionProvider");
      this.executionProvider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /** Sets the device ordinal the provider uses. */
    public Builder deviceId(int deviceId) {
      once("deviceId");
      if (deviceId < 0) {
        throw new IllegalArgumentException("deviceId must be >= 0, got " + deviceId);
      }
      this.deviceId = deviceId;
      return this;
    }

    /** Sets where worker threads come from. */
    public Builder threadPools(ThreadPools pools) {
      once("threadPools");
      this.threadPools = Objects.requireNonNull(pools, "pools");
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalStateException if shared pools are combined with per-session thread counts, or
     *     a device is chosen for the CPU provider
     */
    public OnnxOptions build() {
      if (threadPools == ThreadPools.SHARED && (intraOpThreads != 0 || interOpThreads != 0)) {
        throw new IllegalStateException("shared thread pools take no per-session thread counts; intraOpThreads="
            + intraOpThreads + ", interOpThreads=" + interOpThreads);
      }
      if (executionProvider == ExecutionProvider.CPU && deviceId != 0) {
        throw new IllegalStateException("deviceId " + deviceId + " needs a device provider such as CUDA");
      }
      return new OnnxOptions(this);
    }

    private static int requireThreads(int threads, String what) {
      if (threads < 0) {
        throw new IllegalArgumentException(what + " must be >= 0, got " + threads);
      }
      return threads;
    }
  }
}
