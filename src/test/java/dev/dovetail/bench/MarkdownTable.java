package dev.dovetail.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A markdown table with columns padded to their widest cell, so it reads in a terminal too. */
final class MarkdownTable {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  MarkdownTable(String... header) {
    this.header = List.of(header);
  }

  MarkdownTable row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, table has " + header.size() + " columns");
    }
    var row = new ArrayList<String>();
    for (Object cell : cells) {
      row.add(String.valueOf(cell));
    }
    rows.add(row);
    return this;
  }

  String render() {
    int[] width = new int[header.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = Math.max(3, header.get(i).length());
      for (var row : rows) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    var out = new StringBuilder();
    line(out, header, width);
    var rule = new ArrayList<String>();
    for (int w : width) {
      rule.add("-".repeat(w));
    }
    line(out, rule, width);
    for (var row : rows) {
      line(out, row, width);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells, int[] width) {
    out.append('|');
    for (int i = 0; i < cells.size(); i++) {
      out.append(' ').append(pad(cells.get(i), width[i])).append(" |");
    }
    out.append('\n');
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(width - s.length());
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  static String seconds(double s) {
    return String.format(Locale.ROOT, "%.2f", s);
  }

  static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2f", r);
  }

  static String millis(double ms) {
    return String.format(Locale.ROOT, "%.1f", ms);
  }

  static String bytes(long b) {
    if (b < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f kB", b / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MB", b / (1024.0 * 1024.0));
  }
}
