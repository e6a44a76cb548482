package dev.promptengine.e2e.dashboard;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's headless Chromium driven through the system chromedriver, with explicit paths so that
 * Selenium Manager never downloads anything, a fresh profile, and downloads into a known folder.
 */
final class Browser implements AutoCloseable {

    static final Dimension DESKTOP = new Dimension(1280, 800);
    static final Dimension NARROW = new Dimension(420, 860);

    private static final String CHROMIUM = System.getenv().getOrDefault("PE_CHROMIUM", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getenv().getOrDefault("PE_CHROMEDRIVER", "/usr/bin/chromedriver");

    final ChromeDriver driver;
    final Path downloads;
    private final Path profile;
    private final Path screenshots;

    Browser() throws IOException {
        for (String executable : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(Path.of(executable))) {
                throw new IllegalStateException("Missing " + executable + ": install the system browser and driver"
                        + " (apt-get install -y chromium chromium-driver) or set PE_CHROMIUM / PE_CHROMEDRIVER");
            }
        }
        profile = Files.createTempDirectory("pe-chromium-profile");
        downloads = Files.createTempDirectory("pe-chromium-downloads");
        screenshots = Files.createDirectories(Path.of("target", "screenshots"));
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--window-size=" + DESKTOP.width + "," + DESKTOP.height);
        options.setExperimentalOption(
                "prefs",
                Map.of(
                        "download.default_directory", downloads.toString(),
                        "download.prompt_for_download", false,
                        "download.directory_upgrade", true));
        var service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        // headless Chromium needs to be told that downloads are allowed and where they go
        driver.executeCdpCommand(
                "Browser.setDownloadBehavior",
                Map.of("behavior", "allow", "downloadPath", downloads.toString(), "eventsEnabled", true));
        size(DESKTOP);
    }

    void open(String url) {
        driver.get(url);
    }

    void size(Dimension dimension) {
        driver.manage().window().setSize(dimension);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The raw API value a metric card shows (its {@code data-value}). */
    String cardValue(String testId) {
        return find("[data-testid='" + testId + "'] .value").getAttribute("data-value");
    }

    String cardText(String testId) {
        return find("[data-testid='" + testId + "'] .value").getText();
    }

    Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    Object asyncScript(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, arguments);
    }

    String currentUrl() {
        return driver.getCurrentUrl();
    }

    /**
     * Saves the page under target/screenshots and, when {@code PE_DASHBOARD_SCREENSHOTS} names a
     * folder (the docs), there too. The window grows to the page's height so the whole view is shown.
     */
    void screenshot(String name) throws IOException {
        screenshot(name, true);
    }

    void screenshot(String name, boolean wholePage) throws IOException {
        Dimension before = driver.manage().window().getSize();
        script("document.activeElement?.blur(); window.scrollTo(0, 0)");
        if (wholePage) {
            long height = ((Number) script("return document.documentElement.scrollHeight")).longValue();
            size(new Dimension(before.width, (int) Math.min(Math.max(height + 140, before.height), 4000)));
        }
        try {
            Path file = screenshots.resolve(name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
            String docs = System.getenv("PE_DASHBOARD_SCREENSHOTS");
            if (docs != null && !docs.isBlank()) {
                Path target = Files.createDirectories(Path.of(docs)).resolve(name + ".png");
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            size(before);
        }
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        deleteTree(profile);
        deleteTree(downloads);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
