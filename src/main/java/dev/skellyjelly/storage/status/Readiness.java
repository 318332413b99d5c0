package dev.skellyjelly.storage.status;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The readiness checks and their last known state. Each check is named; the report lists every
 * check with its detail and names the failing ones, so an operator sees why at a glance.
 */
public final class Readiness {

  public static final String DATABASE = "database";
  public static final String DISK = "diskSpace";
  public static final String VERTICLES = "verticles";
  public static final String CLUSTER = "cluster";

  private record Check(boolean ok, String detail) {
  }

  private final Map<String, Check> checks = new LinkedHashMap<>();

  public Readiness set(String name, boolean ok, String detail) {
    checks.put(name, new Check(ok, detail));
    return this;
  }

  public boolean ready() {
    return checks.values().stream().allMatch(Check::ok);
  }

  public JsonObject report() {
    JsonObject all = new JsonObject();
    JsonArray failing = new JsonArray();
    checks.forEach((name, c) -> {
      all.put(name, new JsonObject().put("ok", c.ok()).put("detail", c.detail()));
      if (!c.ok()) {
        failing.add(name);
      }
    });
    return new JsonObject().put("status", ready() ? "READY" : "NOT_READY").put("failing", failing)
        .put("checks", all);
  }
}
