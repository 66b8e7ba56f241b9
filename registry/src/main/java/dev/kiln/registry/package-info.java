/**
 * Kiln's run store and model registry: plain JDBC over H2 (embedded, shared between processes) or
 * PostgreSQL, schema by Flyway migrations (append-only).
 *
 * <h2>Why plain JDBC and not JDBI (decided in the engine's second generation)</h2>
 *
 * <p>JDBI 3 (jdbi3-core/jdbi3-sqlobject 3.55.0 would resolve) was considered and not adopted. What
 * it would replace is the statement plumbing of {@link dev.kiln.registry.JdbcRunStore} and {@link
 * dev.kiln.registry.JdbcModelRegistry}: 46 {@code prepareStatement} blocks with their binds and
 * row mappers, perhaps 150 to 250 of their ~1,050 lines. What it would not replace is the part
 * that carries the store's guarantees, {@code JdbcRunStore.tx}: a failed commit is told apart from
 * failed work ({@code CommitUnknown}) so that only idempotent work is done again after the
 * serving H2 process changed ({@link dev.kiln.registry.Takeover}, by H2 error code through the
 * cause chain); a durable write is followed by {@code CHECKPOINT} on embedded H2 so SIGKILL cannot
 * lose it; physical connections open under the {@link dev.kiln.registry.StoreLock} ({@link
 * dev.kiln.registry.LockedDataSource}); promotions queue on {@code SELECT ... FOR UPDATE} of the
 * model's row. JDBI's {@code inTransaction} commits and rolls back itself and wraps SQL failures
 * in its own exception types, so keeping those semantics means running JDBI handles inside the
 * same {@code tx} and classifying its exceptions again: a second layer to keep right for a modest
 * saving, plus a new dependency tree (not in the build's offline Maven cache today). Revisit if a third store type or many more queries arrive;
 * do it as its own change, with RunStoreContract and ModelRegistryContract on H2 and PostgreSQL,
 * StoreKillIT and ConcurrentProcessesIT as the bar.
 *
 * <p>Records such as {@link dev.kiln.registry.StepRunRecord} are built by named steps ({@code
 * of(...).started(...).keyed(...).succeeded(...)}); the row mappers here are the one place that
 * still constructs them positionally, column for column.
 */
package dev.kiln.registry;
