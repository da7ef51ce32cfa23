/**
 * The REST API and the web UI over one tile index and the bundle that built it, on Javalin: {@link
 * PathLensServer} starts it from a {@link ServerConfig}. Each route checks its parameters and calls
 * the library call the command line makes, so that the two never differ; {@code openapi.json}
 * describes the same routes. Inference and slide reading run on a bounded pool that answers 503
 * when it is full, instead of holding Jetty's threads, and every failure is a JSON body with its
 * status, never an HTML page or a stack trace. With a token, every API route needs it, by header or
 * by a session cookie, and a tile's pixels are found from what the index records, never from a path
 * a client sends. The HTTP API depends on nothing of eval, bench, the command line or the synthetic
 * generator; the architecture test fails the build otherwise.
 */
package org.pathlens.server;
