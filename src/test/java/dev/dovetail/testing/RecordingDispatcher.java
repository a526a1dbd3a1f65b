package dev.dovetail.testing;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The mock API server's front door: records every request (who sent it, method, path) so tests can
 * say which operator instance acted and which verbs the code uses, answers SelfSubjectRulesReview
 * with what {@code deploy/rbac.yaml} grants the operator (JOSDK checks its Lease permissions that
 * way before leader election; the CRUD mock has no authorizer), and hands everything else to the
 * CRUD dispatcher.
 */
public final class RecordingDispatcher extends Dispatcher {
  static final String RULES_REVIEW_PATH = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";

  /** One API request as the server saw it. */
  public record ApiRequest(String userAgent, String method, String path) {}

  private final Dispatcher crud;
  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final List<ApiRequest> requests = new CopyOnWriteArrayList<>();

  RecordingDispatcher(Dispatcher crud) {
    this.crud = crud;
  }

  public List<ApiRequest> requests() {
    return List.copyOf(requests);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    requests.add(
        new ApiRequest(request.getHeader("User-Agent"), request.getMethod(), request.getPath()));
    if ("POST".equals(request.getMethod()) && request.getPath().startsWith(RULES_REVIEW_PATH)) {
      var review = serialization.unmarshal(request.getUtf8Body(), SelfSubjectRulesReview.class);
      review.setStatus(
          new SubjectRulesReviewStatusBuilder()
              .withIncomplete(false)
              .withResourceRules(operatorRules())
              .build());
      return new MockResponse().setResponseCode(201).setBody(serialization.asJson(review));
    }
    return crud.dispatch(request);
  }

  @Override
  public void shutdown() {
    crud.shutdown();
  }

  /** The rules of the operator's ClusterRole in deploy/rbac.yaml. */
  public static List<ResourceRule> operatorRules() {
    try (InputStream in = Files.newInputStream(Path.of("deploy/rbac.yaml"))) {
      Object parsed = new KubernetesSerialization().unmarshal(in);
      List<?> docs = parsed instanceof List<?> list ? list : List.of(parsed);
      return docs.stream()
          .filter(ClusterRole.class::isInstance)
          .map(ClusterRole.class::cast)
          .flatMap(role -> role.getRules().stream())
          .map(
              rule ->
                  new ResourceRuleBuilder()
                      .withApiGroups(rule.getApiGroups())
                      .withResources(rule.getResources())
                      .withVerbs(rule.getVerbs())
                      .withResourceNames(rule.getResourceNames())
                      .build())
          .toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read deploy/rbac.yaml (run from the repo root)", e);
    }
  }
}
