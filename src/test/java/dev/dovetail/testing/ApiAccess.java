package dev.dovetail.testing;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What one API request asks the authorizer for, in RBAC's terms: the API group, the resource (with
 * its subresource, as {@code jobs/status}) and the verb. GET of a collection is {@code list}, with
 * {@code ?watch=true} it is {@code watch}, DELETE of a collection is {@code deletecollection}: the
 * same mapping the API server's request-info resolver makes.
 */
public record ApiAccess(String group, String resource, String verb) {

  /**
   * The access a request needs, or empty for non-resource URLs ({@code /version}, discovery under
   * {@code /api} and {@code /apis}), which the default {@code system:discovery} role grants.
   */
  public static Optional<ApiAccess> of(String method, String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
    List<String> segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    List<String> rest;
    String group;
    if (segments.size() >= 2 && segments.get(0).equals("api")) {
      group = "";
      rest = segments.subList(2, segments.size());
    } else if (segments.size() >= 3 && segments.get(0).equals("apis")) {
      group = segments.get(1);
      rest = segments.subList(3, segments.size());
    } else {
      return Optional.empty();
    }
    if (rest.isEmpty()) {
      return Optional.empty();
    }
    if (rest.get(0).equals("namespaces") && rest.size() >= 3) {
      rest = rest.subList(2, rest.size()); // namespaced: drop namespaces/{ns}
    }
    String resource = rest.size() > 2 ? rest.get(0) + "/" + rest.get(2) : rest.get(0);
    boolean named = rest.size() > 1;
    String verb =
        switch (method) {
          case "GET" -> named ? "get" : watch(query) ? "watch" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> named ? "delete" : "deletecollection";
          default -> throw new IllegalArgumentException("unexpected method " + method);
        };
    return Optional.of(new ApiAccess(group, resource, verb));
  }

  private static boolean watch(String query) {
    return Arrays.asList(query.split("&")).contains("watch=true");
  }

  /** Whether one of these RBAC rules grants this access (wildcards included). */
  public boolean grantedBy(List<ResourceRule> rules) {
    return rules.stream()
        .anyMatch(
            r ->
                matches(r.getApiGroups(), group)
                    && matches(r.getResources(), resource)
                    && matches(r.getVerbs(), verb));
  }

  private static boolean matches(List<String> granted, String wanted) {
    return granted != null && (granted.contains("*") || granted.contains(wanted));
  }

  /** Every (group, resource, verb) a rule spells out. */
  public static List<ApiAccess> spelledOut(ResourceRule rule) {
    return rule.getApiGroups().stream()
        .flatMap(
            g ->
                rule.getResources().stream()
                    .flatMap(r -> rule.getVerbs().stream().map(v -> new ApiAccess(g, r, v))))
        .toList();
  }

  @Override
  public String toString() {
    return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
  }
}
