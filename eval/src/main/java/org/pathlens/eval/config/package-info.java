/**
 * Evaluation configs: an {@code eval/configs/*.yaml} file ({@link EvalConfig}, read by {@link
 * EvalConfigReader}) pins one evaluation and the numbers it must give, so that a change that moves
 * a number is seen. {@link EvalRun} gets the embedded tiles (generated, from a labels CSV, or
 * stored in an index), runs the task and returns the metrics; {@link Expectations} checks them
 * against the config, and {@link ExpectedValuesWriter} records new values line by line, keeping the
 * file's comments. {@link EvalComparison} compares two configs on the same tiles with a paired
 * bootstrap and McNemar's test ({@link ComparisonReport}), and {@link ResultTable} lays several
 * configs out as one table. The command line's {@code eval run}, {@code eval compare} and {@code
 * eval table} call these.
 */
package org.pathlens.eval.config;
