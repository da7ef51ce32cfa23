/**
 * The {@code ./pathlens} command line on picocli: {@link PathLens} is the entry point, and each
 * verb is one command class ({@code DemoCommand}, {@code IngestCommand}, {@code SearchCommand},
 * {@code ServeCommand}, {@code EvalCommand}, …). A command parses and checks its options, calls the
 * library of the modules below it and prints: results on stdout, messages on stderr. {@code
 * ErrorReporter} turns errors a user can fix into one line and exit code 2; anything else keeps its
 * stack trace. The command line is the top of the module graph: it may use every module, and none
 * depends on it.
 */
package org.pathlens.cli;
