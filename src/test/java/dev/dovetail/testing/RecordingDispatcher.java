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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The mock API server's front door: records every request (who sent it, method, path) so tests can
 * say which operator instance acted and which verbs the code uses, answers SelfSubjectRulesReview
 * with what {@code deploy/rbac.yaml} grants the operator (JOSDK checks its Lease permissions that
 * way before leader election; the CRUD mock has no authorizer), refuses the requests of clients a
 * test has cut off, and hands everything else to the CRUD dispatcher.
 */
public final class RecordingDispatcher extends Dispatcher {
  static final String RULES_REVIEW_PATH = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";

  /**
   * One API request as the server saw it.
   *
   * @param refused answered 503 without being served: its sender was cut off ({@link #refuse})
   */
  public record ApiRequest(String userAgent, String method, String path, boolean refused) {}

  private final Dispatcher crud;
  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final List<ApiRequest> requests = new CopyOnWriteArrayList<>();
  private final Set<String> refused = new HashSet<>();

  RecordingDispatcher(Dispatcher crud) {
    this.crud = crud;
  }

  public List<ApiRequest> requests() {
    return List.copyOf(requests);
  }

  /**
   * From now on every request whose User-Agent is {@code userAgent} is recorded as refused and
   * answered 503, nothing served: what an API server sees of a killed pod's last packets.
   */
  synchronized void refuse(String userAgent) {
    refused.add(userAgent);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String userAgent = request.getHeader("User-Agent");
    // Deciding and recording together: once refuse() returns, every request it covers is refused.
    synchronized (this) {
      boolean refuse = refused.contains(userAgent);
      requests.add(new ApiRequest(userAgent, request.getMethod(), request.getPath(), refuse));
      if (refuse) {
        return new MockResponse().setResponseCode(503);
      }
    }
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
