package dev.dovetail.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiAccessTest {

  @Test
  void mapsMethodAndPathToTheRbacVerb() {
    assertEquals(
        Optional.of(new ApiAccess("batch", "jobs", "list")),
        ApiAccess.of("GET", "/apis/batch/v1/namespaces/a/jobs?labelSelector=x%3Dy"));
    assertEquals(
        Optional.of(new ApiAccess("batch", "jobs", "watch")),
        ApiAccess.of("GET", "/apis/batch/v1/jobs?allowWatchBookmarks=true&watch=true"));
    assertEquals(
        Optional.of(new ApiAccess("", "secrets", "get")),
        ApiAccess.of("GET", "/api/v1/namespaces/a/secrets/db"));
    assertEquals(
        Optional.of(new ApiAccess("dovetail.dev", "databasemigrations/status", "update")),
        ApiAccess.of(
            "PUT", "/apis/dovetail.dev/v1alpha1/namespaces/a/databasemigrations/m/status"));
    assertEquals(
        Optional.of(new ApiAccess("batch", "jobs", "deletecollection")),
        ApiAccess.of("DELETE", "/apis/batch/v1/namespaces/a/jobs?labelSelector=x"));
    assertEquals(
        Optional.of(new ApiAccess("batch", "jobs", "delete")),
        ApiAccess.of("DELETE", "/apis/batch/v1/namespaces/a/jobs/j"));
    assertEquals(
        Optional.of(new ApiAccess("", "events", "create")),
        ApiAccess.of("POST", "/api/v1/namespaces/a/events"));
    assertEquals(
        Optional.of(new ApiAccess("coordination.k8s.io", "leases", "patch")),
        ApiAccess.of("PATCH", "/apis/coordination.k8s.io/v1/namespaces/s/leases/l"));
    assertEquals(
        Optional.of(new ApiAccess("", "namespaces", "get")),
        ApiAccess.of("GET", "/api/v1/namespaces/a"));
    assertEquals(Optional.empty(), ApiAccess.of("GET", "/version"));
    assertEquals(Optional.empty(), ApiAccess.of("GET", "/apis/batch/v1"));
  }

  @Test
  void grantedOnlyByAMatchingRule() {
    var rules =
        List.of(
            new ResourceRuleBuilder()
                .withApiGroups("batch")
                .withResources("jobs")
                .withVerbs("get", "create")
                .build(),
            new ResourceRuleBuilder()
                .withApiGroups("")
                .withResources("*")
                .withVerbs("list")
                .build());
    assertTrue(new ApiAccess("batch", "jobs", "create").grantedBy(rules));
    assertFalse(new ApiAccess("batch", "jobs", "delete").grantedBy(rules));
    assertFalse(new ApiAccess("batch", "jobs/status", "get").grantedBy(rules));
    assertTrue(new ApiAccess("", "secrets", "list").grantedBy(rules));
    assertFalse(new ApiAccess("apps", "secrets", "list").grantedBy(rules));
  }
}
