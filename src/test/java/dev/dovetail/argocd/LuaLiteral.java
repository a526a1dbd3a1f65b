package dev.dovetail.argocd;

import com.fasterxml.jackson.databind.JsonNode;

/** JSON as a Lua table constructor, the shape Argo CD hands a health script as {@code obj}. */
final class LuaLiteral {
  private LuaLiteral() {}

  static String of(JsonNode v) {
    if (v.isObject()) {
      var out = new StringBuilder("{");
      v.fields()
          .forEachRemaining(
              f -> {
                if (!f.getValue().isNull()) {
                  out.append('[').append(string(f.getKey())).append("]=");
                  out.append(of(f.getValue())).append(',');
                }
              });
      return out.append('}').toString();
    }
    if (v.isArray()) {
      var out = new StringBuilder("{");
      v.forEach(item -> out.append(of(item)).append(','));
      return out.append('}').toString();
    }
    if (v.isNumber() || v.isBoolean()) {
      return v.asText();
    }
    return v.isNull() ? "nil" : string(v.asText());
  }

  /** A Lua string literal; every byte outside printable ASCII is escaped as a decimal escape. */
  static String string(String s) {
    var out = new StringBuilder("\"");
    for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c == '"' || c == '\\') {
        out.append('\\').append((char) c);
      } else if (c >= 32 && c < 127) {
        out.append((char) c);
      } else {
        out.append('\\').append(c);
      }
    }
    return out.append('"').toString();
  }
}
