/**
 * Test one step type in-process from a JUnit 5 test.
 *
 * <ul>
 *   <li>{@link dev.kiln.testkit.StepHarness} runs a step type with its {@code with:} given as YAML
 *       text or a map, binding it as {@code kiln run} does, with a real content-addressed artifact
 *       store and step context in a directory of the test's; and checks a {@code with:} offline,
 *       returning the problems {@code kiln validate} would report.
 *   <li>{@link dev.kiln.testkit.StepOutcome} is what one run produced: status, outputs, metrics,
 *       log lines, artifacts to open.
 *   <li>{@link dev.kiln.testkit.GoldenFile} compares text (such as {@link
 *       dev.kiln.testkit.StepOutcome#outputsText}) with a checked-in file.
 * </ul>
 */
package dev.kiln.testkit;
