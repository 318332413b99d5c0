package dev.skellyjelly.storage.status;

import java.util.concurrent.atomic.AtomicBoolean;

/** Whether every verticle of the module is deployed; set by {@code StorageModule}. */
public final class ModuleStatus {
  private final AtomicBoolean deployed = new AtomicBoolean();

  public void deployed(boolean value) {
    deployed.set(value);
  }

  public boolean deployed() {
    return deployed.get();
  }
}
