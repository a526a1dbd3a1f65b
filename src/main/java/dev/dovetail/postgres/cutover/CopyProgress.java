package dev.dovetail.postgres.cutover;

/** How far the initial copy of a cutover has come: key ranges done of all planned, rows copied. */
public record CopyProgress(long rangesDone, long rangesTotal, long rowsCopied) {

  public static final CopyProgress NONE = new CopyProgress(0, 0, 0);
}
