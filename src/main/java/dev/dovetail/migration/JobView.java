package dev.dovetail.migration;

import dev.dovetail.kube.JobOutcome;

/**
 * A worker Job the spec calls for: its deterministic name and what Kubernetes says of it.
 *
 * @param hash the spec hash in its name and annotation
 * @param failure reason and message of the Failed condition, when failed
 */
public record JobView(String role, String name, String hash, JobOutcome outcome, String failure) {}
