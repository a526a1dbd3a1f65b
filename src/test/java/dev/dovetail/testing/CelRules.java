package dev.dovetail.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Evaluates a CRD schema's {@code x-kubernetes-validations} the way the API server does, with
 * Google's CEL implementation: {@code self} is the value at the rule's node, a rule that mentions
 * {@code oldSelf} is a transition rule and runs only on an update where the node existed before (or
 * always, with {@code oldSelf} an optional, when {@code optionalOldSelf} is set). Old and new
 * values correlate through object properties and map keys; list items do not correlate (atomic and
 * set lists), so transition rules below a list never run — the same as Kubernetes.
 */
final class CelRules {
  private static final Pattern OLD_SELF = Pattern.compile("\\boldSelf\\b");

  private final Cel cel;
  private final Cel celWithOptionalOldSelf;
  private final Map<String, CelAbstractSyntaxTree> compiled = new HashMap<>();

  CelRules() {
    cel = environment(SimpleType.DYN);
    celWithOptionalOldSelf = environment(OptionalType.create(SimpleType.DYN));
  }

  private static Cel environment(dev.cel.common.types.CelType oldSelfType) {
    // The libraries Kubernetes enables for CRD rules that this implementation has: the standard
    // macros and functions, strings, lists, regex and optionals.
    return CelFactory.standardCelBuilder()
        .setOptions(CelOptions.current().enableOptionalSyntax(true).build())
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addCompilerLibraries(
            CelExtensions.strings(),
            CelExtensions.lists(),
            CelExtensions.regex(),
            CelExtensions.optional())
        .addRuntimeLibraries(
            CelExtensions.strings(),
            CelExtensions.lists(),
            CelExtensions.regex(),
            CelExtensions.optional())
        .addVar("self", SimpleType.DYN)
        .addVar("oldSelf", oldSelfType)
        .build();
  }

  /** Problems as "path: message", where old is null on a create. */
  List<String> check(JsonNode schema, JsonNode value, JsonNode old) {
    var problems = new ArrayList<String>();
    walk(schema, value, old, "", problems);
    return problems;
  }

  private void walk(JsonNode s, JsonNode v, JsonNode old, String path, List<String> problems) {
    if (v == null || v.isMissingNode() || v.isNull()) {
      return;
    }
    for (JsonNode rule : s.path("x-kubernetes-validations")) {
      evaluate(rule, v, old, path, problems);
    }
    if (v.isObject()) {
      JsonNode props = s.path("properties");
      JsonNode additional = s.path("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        var field = it.next();
        JsonNode child = props.has(field.getKey()) ? props.get(field.getKey()) : additional;
        if (child.isObject()) {
          walk(
              child,
              field.getValue(),
              old == null ? null : old.get(field.getKey()),
              path + "." + field.getKey(),
              problems);
        }
      }
    } else if (v.isArray()) {
      for (int i = 0; i < v.size(); i++) {
        walk(s.path("items"), v.get(i), null, path + "[" + i + "]", problems);
      }
    }
  }

  private void evaluate(
      JsonNode rule, JsonNode value, JsonNode old, String path, List<String> problems) {
    String text = rule.path("rule").asText();
    boolean transition = OLD_SELF.matcher(text).find();
    boolean optionalOld = rule.path("optionalOldSelf").asBoolean(false);
    if (transition && old == null && !optionalOld) {
      return;
    }
    Cel env = transition && optionalOld ? celWithOptionalOldSelf : cel;
    var vars = new HashMap<String, Object>();
    vars.put("self", toCel(value));
    if (transition) {
      Object oldValue = old == null ? null : toCel(old);
      vars.put("oldSelf", optionalOld ? Optional.ofNullable(oldValue) : oldValue);
    }
    String where = path + rule.path("fieldPath").asText("");
    try {
      Object result = env.createProgram(ast(env, text, optionalOld)).eval(vars);
      if (!Boolean.TRUE.equals(result)) {
        problems.add(where + ": " + rule.path("message").asText("failed rule: " + text));
      }
    } catch (CelEvaluationException e) {
      problems.add(where + ": rule " + text + " could not be evaluated: " + e.getMessage());
    } catch (CelValidationException e) {
      problems.add(where + ": rule " + text + " does not compile: " + e.getMessage());
    }
  }

  private CelAbstractSyntaxTree ast(Cel env, String text, boolean optionalOld)
      throws CelValidationException {
    String key = optionalOld + ":" + text;
    CelAbstractSyntaxTree ast = compiled.get(key);
    if (ast == null) {
      ast = env.compile(text).getAst();
      compiled.put(key, ast);
    }
    return ast;
  }

  /** JSON as CEL sees a structural schema's values: maps, lists, int, double, string, bool. */
  static Object toCel(JsonNode v) {
    if (v.isObject()) {
      var map = new LinkedHashMap<String, Object>();
      v.fields()
          .forEachRemaining(
              f -> {
                if (!f.getValue().isNull()) {
                  map.put(f.getKey(), toCel(f.getValue()));
                }
              });
      return map;
    }
    if (v.isArray()) {
      var list = new ArrayList<Object>();
      v.forEach(item -> list.add(toCel(item)));
      return list;
    }
    if (v.isIntegralNumber()) {
      return v.asLong();
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    return v.asText();
  }
}
