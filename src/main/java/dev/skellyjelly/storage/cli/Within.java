package dev.skellyjelly.storage.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The values a whole-number option accepts, beside its {@code @Option}: checked after parsing and
 * shown in {@code --help} by {@link Ranges}, so the range is written once.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface Within {
  long min();

  long max();
}
