package dev.spool.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven by the system's chromedriver. Both come from the OS packages ({@code chromium},
 * {@code chromium-driver}); their paths are given explicitly so that Selenium never looks for, or downloads, a
 * driver. Without them the tests that need a browser are skipped, saying so.
 */
final class Browser implements AutoCloseable {
    static final Dimension DESKTOP = new Dimension(1366, 900);
    static final Dimension PHONE = new Dimension(390, 844);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Why no browser can be started here, when Chromium or its driver is not installed. */
    static Optional<String> missing() {
        Path chromium = executable("SPOOL_TEST_CHROMIUM", "/usr/bin/chromium");
        Path chromedriver = executable("SPOOL_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
        if (Files.isExecutable(chromium) && Files.isExecutable(chromedriver)) {
            return Optional.empty();
        }
        return Optional.of("Chromium or chromedriver is not installed (" + chromium + ", " + chromedriver
                + "): browser test skipped; install the chromium and chromium-driver packages");
    }

    /** Starts Chromium, or skips the calling test when it or its driver is not installed. */
    static Browser start() {
        missing().ifPresent(Assumptions::abort);
        Path chromium = executable("SPOOL_TEST_CHROMIUM", "/usr/bin/chromium");
        Path chromedriver = executable("SPOOL_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
        try {
            Path profile = Files.createTempDirectory("spool-chromium-");
            var options = new ChromeOptions();
            options.setBinary(chromium.toFile());
            options.addArguments(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--autoplay-policy=no-user-gesture-required",
                    "--user-data-dir=" + profile);
            var service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(chromedriver.toFile())
                    .usingAnyFreePort()
                    .build();
            var driver = new ChromeDriver(service, options);
            driver.manage().window().setSize(DESKTOP);
            return new Browser(driver, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path executable(String variable, String fallback) {
        return Path.of(Optional.ofNullable(System.getenv(variable))
                .filter(v -> !v.isBlank())
                .orElse(fallback));
    }

    WebDriver driver() {
        return driver;
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement find(String css) {
        return until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)), Duration.ofSeconds(15));
    }

    WebElement visible(String css) {
        return until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)), Duration.ofSeconds(15));
    }

    void click(String css) {
        until(ExpectedConditions.elementToBeClickable(By.cssSelector(css)), Duration.ofSeconds(15))
                .click();
    }

    <T> T until(Function<WebDriver, T> condition, Duration timeout) {
        // Pages re-render as data arrives: an element found a moment ago may have been replaced since.
        return new WebDriverWait(driver, timeout, Duration.ofMillis(100))
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Writes the current page at desktop and at phone width to target/screenshots/NAME-desktop.png etc. */
    void screenshots(String name) {
        screenshots(name, null);
    }

    /** The same, scrolled so that the element {@code css} names starts at the top (null: the page's top). */
    void screenshots(String name, String css) {
        try {
            Files.createDirectories(SCREENSHOTS);
            for (var size : new Dimension[] {DESKTOP, PHONE}) {
                driver.manage().window().setSize(size);
                if (css == null) {
                    script("window.scrollTo(0, 0)");
                } else {
                    script("document.querySelector(arguments[0]).scrollIntoView({ block: 'start' })", css);
                }
                byte[] png = driver.getScreenshotAs(OutputType.BYTES);
                Files.write(SCREENSHOTS.resolve(name + "-" + (size == DESKTOP ? "desktop" : "phone") + ".png"), png);
            }
            driver.manage().window().setSize(DESKTOP);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
