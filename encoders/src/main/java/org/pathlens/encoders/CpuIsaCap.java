package org.pathlens.encoders;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Optional;

/**
 * Caps the instruction set of oneDNN, the library behind libtorch's CPU convolutions, at AVX2
 * unless the user chose otherwise, before libtorch is loaded.
 *
 * <p>Why: on AMD EPYC (Zen 5) CPUs with AVX-512, the AVX-512 convolution kernels of the oneDNN in
 * libtorch 2.5.1 (and 2.7.1) give wrong embeddings: cosine 0.906–0.995 to the Python reference for
 * the demo CNN, and now and then NaN. The AVX2 kernels are exact there and, measured on that CPU,
 * no slower. ViT models use convolutions only for the patch embedding, so the cap costs them
 * nothing measurable; CPUs without AVX-512 are unaffected.
 *
 * <p>oneDNN reads {@code ONEDNN_MAX_CPU_ISA} from the process environment once, on its first
 * kernel. A JVM cannot change its own environment through Java, so the variable is set with the C
 * library's {@code setenv} through the FFM API; that reaches libtorch's {@code getenv} in this
 * process, whoever started the JVM (launcher, test runner, a library user's application).
 *
 * <p>Who decides, first match wins: {@code ONEDNN_MAX_CPU_ISA} already in the environment (the
 * user's explicit choice, left untouched); the system property {@code pathlens.onednn.max_cpu_isa}
 * (e.g. {@code ALL} to lift the cap); else {@value #DEFAULT}. Whatever is chosen, a bundle's canary
 * still checks the numbers when it is loaded.
 */
public final class CpuIsaCap {

  /** The variable oneDNN reads (oneDNN 3.x; {@code DNNL_MAX_CPU_ISA} is its older spelling). */
  public static final String VARIABLE = "ONEDNN_MAX_CPU_ISA";

  /**
   * The system property that overrides the default when the environment does not set the variable.
   */
  public static final String PROPERTY = "pathlens.onednn.max_cpu_isa";

  /** The cap PathLens applies by default. */
  public static final String DEFAULT = "AVX2";

  /**
   * The cap in force and where it came from.
   *
   * @param value the variable's value, or empty where none is in force (not an x86-64 CPU, or no
   *     {@code setenv} to call)
   * @param source who chose it: {@code environment}, {@code property}, {@code default}, or why none
   */
  public record Cap(Optional<String> value, String source) {

    /** True when oneDNN may use every instruction set the CPU has. */
    public boolean lifted() {
      return value.isEmpty() || value.get().equalsIgnoreCase("ALL");
    }

    /** For messages, e.g. {@code ONEDNN_MAX_CPU_ISA=AVX2 (default)}. */
    public String describe() {
      return setting() + " (" + source + ")";
    }

    /**
     * The setting alone, as indexes record it: {@code ONEDNN_MAX_CPU_ISA=AVX2}, whoever chose it.
     */
    public String setting() {
      return value
          .map(v -> VARIABLE + "=" + v.toUpperCase(Locale.ROOT))
          .orElse("no oneDNN ISA cap");
    }
  }

  private static Cap applied;

  private CpuIsaCap() {}

  /** Sets the cap, once per JVM; later calls return what the first one did. */
  public static synchronized Cap apply() {
    if (applied == null) {
      applied = choose();
    }
    return applied;
  }

  private static Cap choose() {
    String fromEnvironment = System.getenv(VARIABLE);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return new Cap(Optional.of(fromEnvironment), "environment");
    }
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!arch.equals("amd64") && !arch.equals("x86_64")) {
      return new Cap(Optional.empty(), "not an x86-64 CPU");
    }
    String fromProperty = System.getProperty(PROPERTY);
    boolean byProperty = fromProperty != null && !fromProperty.isBlank();
    String value = byProperty ? fromProperty.trim().toUpperCase(Locale.ROOT) : DEFAULT;
    if (!setenv(VARIABLE, value)) {
      return new Cap(Optional.empty(), "the C library offers no setenv");
    }
    return new Cap(Optional.of(value), byProperty ? "property " + PROPERTY : "default");
  }

  /** The C library's {@code setenv(name, value, 1)}; false when it cannot be called. */
  private static boolean setenv(String name, String value) {
    Linker linker = Linker.nativeLinker();
    Optional<MemorySegment> symbol = linker.defaultLookup().find("setenv");
    if (symbol.isEmpty()) {
      return false;
    }
    MethodHandle setenv =
        linker.downcallHandle(
            symbol.get(),
            FunctionDescriptor.of(
                ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS,
                ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT));
    try (Arena arena = Arena.ofConfined()) {
      return (int) setenv.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value), 1) == 0;
    } catch (Throwable e) {
      return false;
    }
  }
}
