package org.mailforge.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;

/** Debian's Chromium, headless, through its chromedriver: the real browser of the web UI's tests. */
final class Chromium {

    private Chromium() {
    }

    /** A new browser; skips the test (fails it in CI) without Chromium. The caller quits it. */
    static ChromeDriver start() {
        try {
            String chromium = ExternalTools.requireCommand("chromium");
            String driver = ExternalTools.requireCommand("chromedriver");
            // Debian's /usr/bin/chromium is a shell wrapper; the program itself is beside its libraries
            Path program = Path.of("/usr/lib/chromium/chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(Files.isExecutable(program) ? program.toString() : chromium);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--window-size=1280,1000", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-extensions", "--lang=en-US");
            options.setAcceptInsecureCerts(true); // the test certificate
            options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(driver)).usingAnyFreePort().build();
            ChromeDriver browser = new ChromeDriver(service, options);
            browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            return browser;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
