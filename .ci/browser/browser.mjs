// Checks the built corpus in Chromium (driven by playwright-core): axe-core on a set of pages
// in both languages, the search page, the language switcher, alias and share redirects, and
// screenshots at phone and desktop widths.
//
// Usage: node browser.mjs SITE_DIR SCREENSHOT_DIR. Exits non-zero with the list of failures.
import { createServer } from "node:http";
import { readFile, stat, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const [site, shots] = process.argv.slice(2);
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
const failures = [];
const fail = (msg) => { failures.push(msg); console.log("FAIL " + msg); };
const ok = (msg) => console.log("ok   " + msg);

// axe-core: these pages in each language, plus the search page with results.
const AXE_PAGES = [
  "/fr/", "/fr/particuliers/", "/fr/particuliers/credit-solidarite/",
  "/fr/particuliers/date-limite-declaration/", "/fr/entreprises/travailleurs-autonomes/", "/fr/echeances/",
  "/en/", "/en/individuals/", "/en/individuals/solidarity-credit/",
  "/en/individuals/filing-deadline/", "/en/businesses/self-employed-workers/", "/en/deadlines/",
  "/404.html",
];
// Search: the query a person types, and the deep link expected first.
const SEARCHES = [
  ["/fr/recherche/", "date limite pour produire ma declaration", "/fr/particuliers/date-limite-declaration/#date-limite"],
  ["/fr/recherche/", "quand le crédit solidarité est versé", "/fr/particuliers/credit-solidarite/#versements"],
  ["/fr/recherche/", "ACOMPTES PROVISIONNELS dates", "/fr/particuliers/acomptes-provisionnels/#dates"],
  ["/en/search/", "when is the solidarity credit paid", "/en/individuals/solidarity-credit/#payments"],
  ["/en/search/", "deadline filing income tax return", "/en/individuals/filing-deadline/#deadline"],
  ["/en/search/", "who is eligible solidarity", "/en/individuals/solidarity-credit/#eligibility"],
  ["/en/search/", "Medical Expenses", "/en/individuals/medical-expenses/#eligible-expenses"],
];

// A static file server for the site, as a plain web host would serve it.
const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".json": "application/json", ".svg": "image/svg+xml", ".ics": "text/calendar", ".xml": "application/xml" };
const server = createServer(async (req, res) => {
  let file = path.join(site, decodeURIComponent(new URL(req.url, "http://x").pathname));
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, "index.html");
    const body = await readFile(file);
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404, { "content-type": TYPES[".html"] });
    res.end(await readFile(path.join(site, "404.html")));
  }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
page.on("pageerror", (e) => fail(`script error on ${page.url()}: ${e.message}`));
page.setDefaultTimeout(10000);

async function axe(label) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
  }));
  if (result.violations.length === 0) {
    ok(`axe ${label}: 0 violations (${result.passes.length} rules pass)`);
  }
  for (const v of result.violations) {
    fail(`axe ${label}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }
}

// Whether the element with this id is visible near the top of the viewport.
async function inView(id) {
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.top >= -2 && r.top < window.innerHeight / 2;
  }, id);
}

async function searchFor(searchPath, query) {
  await page.goto(origin + searchPath);
  await page.waitForSelector("form.ready");
  await page.fill("#q", query);
  await page.waitForSelector("#search-results li a");
  return page.$$eval("#search-results li a", (as) => as.map((a) => a.getAttribute("href")));
}

try {
  for (const p of AXE_PAGES) {
    await page.goto(origin + p);
    await axe(p);
  }

  for (const [searchPath, query, expected] of SEARCHES) {
    const hrefs = await searchFor(searchPath, query);
    if (hrefs[0] === expected) ok(`search "${query}" -> ${expected}`);
    else fail(`search "${query}": first result ${hrefs[0]}, expected ${expected} (got ${hrefs.slice(0, 5).join(" ")})`);
  }
  // axe on the search pages with results shown, then follow the first result.
  for (const [searchPath, query, expected] of [SEARCHES[0], SEARCHES[3]]) {
    await searchFor(searchPath, query);
    await axe(`${searchPath}?q=${query} (with results)`);
    await page.click("#search-results li a >> nth=0");
    await page.waitForURL(origin + expected);
    const id = expected.split("#")[1];
    if (await inView(id)) ok(`clicking the first result scrolls to #${id}`);
    else fail(`clicking the first result did not bring #${id} into view`);
  }
  // A search link with ?q= shows its results on load.
  await page.goto(origin + "/en/search/?q=" + encodeURIComponent(SEARCHES[3][1]));
  await page.waitForSelector("#search-results li a");
  ok("the search page runs the query of its URL");

  // Language switcher: lands on the translated page.
  for (const [from, lang, to] of [
    ["/fr/particuliers/credit-solidarite/", "en", "/en/individuals/solidarity-credit/"],
    ["/en/individuals/filing-deadline/", "fr", "/fr/particuliers/date-limite-declaration/"],
    ["/fr/echeances/", "en", "/en/deadlines/"],
  ]) {
    await page.goto(origin + from);
    await page.click(`header a[hreflang=${lang}]`);
    await page.waitForURL(origin + to);
    const htmlLang = await page.getAttribute("html", "lang");
    if (htmlLang === lang) ok(`switcher ${from} -> ${to}`);
    else fail(`switcher ${from}: lang=${htmlLang}`);
  }

  // An alias URL with a fragment lands on the question; so does a share page.
  for (const [from, to] of [
    ["/fr/citoyens/acomptes-provisionnels/#dates", "/fr/particuliers/acomptes-provisionnels/#dates"],
    ["/fr/particuliers/credit-solidarite/versements/", "/fr/particuliers/credit-solidarite/#versements"],
    ["/en/individuals/solidarity-credit/payments/", "/en/individuals/solidarity-credit/#payments"],
  ]) {
    await page.goto(origin + from);
    await page.waitForURL(origin + to);
    await page.waitForLoadState("load");
    const id = to.split("#")[1];
    if (await inView(id)) ok(`${from} lands on ${to}`);
    else fail(`${from} reached ${to} but #${id} is not in view`);
  }

  // The self link copies the deep link (clipboard needs a secure context: 127.0.0.1 is one).
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  await page.goto(origin + "/fr/particuliers/credit-solidarite/");
  await page.click("a.self-link[href='#versements']");
  await page.waitForSelector(".toast:not(:empty)");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  if (copied === origin + "/fr/particuliers/credit-solidarite/#versements") ok(`self link copies ${copied}`);
  else fail(`self link copied "${copied}"`);

  // Screenshots at phone and desktop widths.
  await mkdir(shots, { recursive: true });
  for (const [name, width] of [["phone-390", 390], ["desktop-1280", 1280]]) {
    await page.setViewportSize({ width, height: 844 });
    for (const p of ["/fr/particuliers/credit-solidarite/", "/en/deadlines/", "/fr/recherche/?q=acomptes"]) {
      await page.goto(origin + p);
      if (p.includes("?q=")) await page.waitForSelector("#search-results li a");
      const slug = p.replace(/^\/|\/$/g, "").replace(/[/?=]+/g, "_");
      const file = path.join(shots, `${slug}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      if (overflow) fail(`${p} scrolls sideways at ${width} px`);
      else ok(`screenshot ${file}`);
    }
  }
} catch (e) {
  fail(`scenario aborted: ${e.stack || e}`);
} finally {
  await browser.close();
  server.close();
}
console.log(failures.length ? `${failures.length} browser check(s) failed` : "browser checks: all passed");
process.exit(failures.length ? 1 : 0);
