package org.pathlens.opensearchnode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * Runs one OpenSearch node in this JVM until the process is told to stop.
 *
 * <p>Arguments are OpenSearch settings as {@code key=value} ({@code cluster.name=pathlens}, {@code
 * path.home=DIR}, {@code http.port=9200}, ...): PathLens's cluster supervisor composes them, and
 * they read the same as an {@code opensearch.yml}. The plugins are loaded from the classpath, as
 * OpenSearch's own test clusters do, instead of from a plugins folder: the k-NN plugin (its jars
 * unpacked beside OpenSearch's), Painless (which k-NN extends), the Netty transport and the reindex
 * module.
 *
 * <p>Prints {@code node started} on stdout once the node accepts requests; SIGTERM closes it
 * cleanly (flushes and releases its data folder), SIGKILL is what the crash tests use.
 */
public final class NodeMain {
  private static final String KNN_PLUGIN = "org.opensearch.knn.plugin.KNNPlugin";

  private NodeMain() {}

  public static void main(String[] args) throws Exception {
    Settings settings = parse(args);
    Path home = Path.of(settings.get("path.home"));
    Files.createDirectories(home.resolve("config"));
    LogConfigurator.registerErrorListener();
    LogConfigurator.configureWithoutConfig(settings);
    Environment environment =
        InternalSettingsPreparer.prepareEnvironment(
            settings, Map.of(), home.resolve("config"), () -> settings.get("node.name"));
    Node node = new ClasspathPluginNode(environment, plugins());
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    node.close();
                    node.awaitClose(30, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    System.err.println("node close: " + e);
                  } finally {
                    closed.countDown();
                  }
                },
                "pathlens-node-close"));
    node.start();
    System.out.println("node started");
    System.out.flush();
    closed.await();
  }

  private static Settings parse(String[] args) {
    Settings.Builder builder = Settings.builder();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, got " + arg);
      }
      String key = arg.substring(0, eq);
      String value = arg.substring(eq + 1);
      // Lists (seed hosts, initial cluster managers, roles) are comma-separated, as on the command
      // line.
      if (key.equals("discovery.seed_hosts")
          || key.equals("cluster.initial_cluster_manager_nodes")
          || key.equals("node.roles")) {
        builder.putList(key, List.of(value.split(",")));
      } else {
        builder.put(key, value);
      }
    }
    return builder.build();
  }

  private static List<Class<? extends Plugin>> plugins() throws ClassNotFoundException {
    List<Class<? extends Plugin>> plugins = new ArrayList<>();
    plugins.add(Netty4Plugin.class);
    plugins.add(PainlessPlugin.class);
    plugins.add(ReindexPlugin.class); // _delete_by_query, a module of every distribution
    // By name: the k-NN jar comes from the plugin's zip, not from a Maven dependency.
    plugins.add(Class.forName(KNN_PLUGIN).asSubclass(Plugin.class));
    return plugins;
  }

  /** Node's constructor that takes plugin classes is protected: the test clusters' way in. */
  private static final class ClasspathPluginNode extends Node {
    ClasspathPluginNode(Environment environment, List<Class<? extends Plugin>> plugins) {
      super(environment, plugins, true);
    }
  }
}
