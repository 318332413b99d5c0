package dev.skellyjelly.storage.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skellyjelly.storage.demo.SyntheticDesktop;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mask-screenshot: the file a user checks their rules with, masked as a fetch would mask it. */
class MaskScreenshotCommandTest {

  @TempDir
  Path dir;

  private Path config(String privacy) throws Exception {
    return Files.writeString(dir.resolve("storage.toml"), "[privacy]\n" + privacy + "\n");
  }

  @Test
  void masksThePlantedPiiAndPrintsKindsButNeverTheText() throws Exception {
    SyntheticDesktop.Screen screen = new SyntheticDesktop(11).render(3, 900, 500, 4);
    Path in = dir.resolve("in.png");
    ImageIO.write(screen.image(), "png", in.toFile());
    Path out = dir.resolve("out.png");
    LauncherRun run = LauncherRun.of("mask-screenshot", in.toString(), out.toString(), "--config",
        config("mask_patterns = [\"weekly|quarter\"]").toString());
    assertEquals(0, run.exit(), run.err());
    JsonObject json = new JsonObject(run.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    BufferedImage masked = ImageIO.read(out.toFile());
    SyntheticDesktop.Score score = SyntheticDesktop.score(masked, screen);
    assertEquals(score.pii(), score.piiMasked(), "left visible: " + score.missed());
    assertTrue(json.getInteger("regions") >= score.pii(), json.encode());
    assertFalse(json.getBoolean("whole"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    for (SyntheticDesktop.Planted p : screen.pii()) {
      assertFalse(run.out().contains(p.text()), "the text found is never printed: " + p.text());
    }
  }

  @Test
  void anAppRuleFillsTheWholeImageAndABadPatternIsNamed() throws Exception {
    Path in = dir.resolve("in.png");
    ImageIO.write(new SyntheticDesktop(12).render(0, 300, 200, 1).image(), "png", in.toFile());
    LauncherRun app = LauncherRun.of("mask-screenshot", in.toString(), dir.resolve("a.png").toString(),
        "--config", config("mask_apps = [\"keepass\"]").toString(), "--app", "KeePassXC");
    assertEquals(0, app.exit(), app.err());
    assertTrue(app.out().contains("\"whole\":true") && app.out().contains("\"app\""), app.out());

    LauncherRun bad = LauncherRun.of("mask-screenshot", in.toString(), dir.resolve("b.png").toString(),
        "--config", config("mask_titles = [\"(bank\"]").toString());
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("privacy.mask_titles[0] = \"(bank\""), bad.err());
    assertFalse(Files.exists(dir.resolve("b.png")), "nothing written on a bad config");
  }
}
