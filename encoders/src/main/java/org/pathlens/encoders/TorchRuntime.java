package org.pathlens.encoders;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Starts DJL's PyTorch engine once, offline, and picks the device.
 *
 * <p>DJL reads its thread settings and offline switch when the engine starts, so they are set here,
 * before the first call to {@link Engine#getEngine}. Offline mode stops DJL from downloading a
 * libtorch build or fetching models: the native library comes from the pinned {@code
 * pytorch-native-*} jar on the classpath.
 */
public final class TorchRuntime {

  private static final String ENGINE = "PyTorch";
  private static volatile Engine engine;
  private static int startedThreads = -1;
  private static CpuIsaCap.Cap cpuIsaCap;
  private static SingleThreadLane singleThreadLane;

  private TorchRuntime() {}

  /**
   * The PyTorch engine, started with {@code threads} intra-op threads; 0 for one per processor this
   * JVM may use ({@link Runtime#availableProcessors}, which counts a container's CPU quota and
   * affinity; libtorch's own default counts the host's cores, and a 2-CPU container on a 64-core
   * host would run 32 threads against each other). Once started, a positive count changes the
   * (process-wide) setting and 0 leaves it as it is.
   */
  public static synchronized Engine engine(int threads) {
    if (engine == null) {
      threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
      // Before libtorch loads: oneDNN reads its ISA cap once, on its first kernel.
      cpuIsaCap = CpuIsaCap.apply();
      // Before the first tensor: activations reuse heap memory instead of fresh pages.
      NativeAllocator.apply();
      System.setProperty("ai.djl.offline", "true");
      // libtorch's profiling graph executor re-optimises for every new input shape, which makes
      // the first calls at each batch size slow; encoders see many batch sizes, so keep it off.
      if (System.getProperty("ai.djl.pytorch.graph_optimizer") == null) {
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
      }
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      // Inter-op parallelism only helps graphs with independent branches; one thread keeps
      // the total thread count predictable next to PathLens's own pools.
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
      try {
        engine = Engine.getEngine(ENGINE);
      } catch (RuntimeException | UnsatisfiedLinkError e) {
        throw new IllegalStateException(
            "cannot start the PyTorch engine (libtorch from the pytorch-native jar on the"
                + " classpath): "
                + e.getMessage(),
            e);
      }
      startedThreads = threads;
    } else if (threads > 0 && threads != startedThreads) {
      JniUtils.setNumThreads(threads);
      startedThreads = threads;
    }
    return engine;
  }

  /**
   * The thread on which libtorch runs calls too small for intra-op parallelism (started on first
   * use, after the engine); inactive where the engine runs one thread anyway.
   */
  static synchronized SingleThreadLane singleThreadLane() {
    if (engine == null) {
      throw new IllegalStateException("start the engine first");
    }
    if (singleThreadLane == null) {
      singleThreadLane = SingleThreadLane.start(startedThreads);
    }
    return singleThreadLane;
  }

  /** The oneDNN instruction-set cap in force, or null before the engine is started. */
  public static synchronized CpuIsaCap.Cap cpuIsaCap() {
    return cpuIsaCap;
  }

  /**
   * What computes embeddings on {@code device}, e.g. {@code PyTorch 2.5.1 on cpu(),
   * ONEDNN_MAX_CPU_ISA=AVX2}: recorded in indexes, named when a canary fails.
   */
  public static synchronized String describe(Device device) {
    String name = engine == null ? ENGINE : engine.getEngineName() + " " + engine.getVersion();
    if (device.isGpu() || cpuIsaCap == null) {
      return name + " on " + device;
    }
    return name + " on " + device + ", " + cpuIsaCap.setting();
  }

  /** The device for {@code choice}; asking for a GPU where none is visible is an error. */
  public static Device device(EncoderOptions.DeviceChoice choice, Engine engine) {
    int gpus = engine.getGpuCount();
    return switch (choice) {
      case CPU -> Device.cpu();
      case GPU -> {
        if (gpus == 0) {
          throw new IllegalStateException(
              "--device gpu: libtorch sees no GPU (CPU build of pytorch-native, or no CUDA"
                  + " driver); build with -Pcuda on a CUDA machine");
        }
        yield Device.gpu();
      }
      case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
    };
  }
}
