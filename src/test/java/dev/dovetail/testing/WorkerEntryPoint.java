package dev.dovetail.testing;

import java.util.List;
import java.util.Map;

/**
 * What a pod of a worker Job runs: the real {@code WorkerMain.run} unless a test says otherwise.
 */
@FunctionalInterface
public interface WorkerEntryPoint {
  int run(List<String> args, Map<String, String> env) throws Exception;
}
