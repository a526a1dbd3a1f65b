package dev.dovetail.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The initial copy Job. */
public class CutoverCopy {

  @Default("2")
  @Min(1)
  @Max(32)
  @JsonPropertyDescription("Primary-key ranges copied at the same time, across all tables.")
  private int parallelism = 2;

  public int getParallelism() {
    return parallelism;
  }

  public void setParallelism(int parallelism) {
    this.parallelism = parallelism;
  }
}
