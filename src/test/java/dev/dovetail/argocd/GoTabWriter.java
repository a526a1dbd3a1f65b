package dev.dovetail.argocd;

import java.util.ArrayList;
import java.util.List;

/**
 * Go's text/tabwriter as kubectl describe configures it (minwidth 0, padding 2, pad with spaces,
 * align left): a cell is text ended by a tab; cells of the same column are padded to one width
 * within a block of consecutive lines that all have that column; the text after a line's last tab
 * is not aligned. Widths count code points, as Go counts runes.
 */
final class GoTabWriter {
  private static final int PADDING = 2;

  private GoTabWriter() {}

  static String format(String text) {
    List<List<String>> lines = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      lines.add(List.of(line.split("\t", -1)));
    }
    if (text.endsWith("\n")) {
      lines.remove(lines.size() - 1);
    }
    var widths = new ArrayList<Integer>();
    var out = new StringBuilder();
    format(lines, 0, lines.size(), widths, out);
    return out.toString();
  }

  /** Go's Writer.format: find column blocks of the next column, recurse into each. */
  private static void format(
      List<List<String>> lines, int from, int to, List<Integer> widths, StringBuilder out) {
    int column = widths.size();
    int printed = from;
    for (int line = from; line < to; line++) {
      if (column >= lines.get(line).size() - 1) {
        continue;
      }
      write(lines, printed, line, widths, out);
      int blockStart = line;
      int width = 0;
      for (; line < to && column < lines.get(line).size() - 1; line++) {
        width = Math.max(width, length(lines.get(line).get(column)) + PADDING);
      }
      widths.add(width);
      format(lines, blockStart, line, widths, out);
      widths.remove(widths.size() - 1);
      printed = line;
      line--; // the loop's increment moves past the line that ended the block
    }
    write(lines, printed, to, widths, out);
  }

  private static void write(
      List<List<String>> lines, int from, int to, List<Integer> widths, StringBuilder out) {
    for (int i = from; i < to; i++) {
      List<String> cells = lines.get(i);
      for (int j = 0; j < cells.size(); j++) {
        String cell = cells.get(j);
        out.append(cell);
        if (j < widths.size()) {
          out.append(" ".repeat(Math.max(0, widths.get(j) - length(cell))));
        }
      }
      out.append('\n');
    }
  }

  private static int length(String s) {
    return s.codePointCount(0, s.length());
  }
}
