// PathLens web UI: plain DOM over the /api routes. Every string that comes from the index (labels,
// captions, ids, metadata) is inserted with textContent or as an attribute value, never as HTML, so a
// caption holding "<script>" is shown as text.
"use strict";

const $ = (id) => document.getElementById(id);

/** An element with text content (never parsed as HTML) and optional class. */
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function setStatus(target, text, kind) {
  target.textContent = text;
  target.className = "status" + (kind ? " " + kind : "");
}

/** Thrown when the server wants its token: the sign-in form is showing, nothing else to report. */
class SignInNeeded extends Error {
  constructor() { super("sign in needed"); }
}

/**
 * Fetches JSON; on an error response, throws with the API's own message (it names the parameter). A 401
 * from a server started with --token shows the sign-in form instead.
 */
async function api(url, options) {
  const response = await fetch(url, options);
  let body = null;
  try { body = await response.json(); } catch (e) { /* not JSON (or 204): reported below */ }
  if (response.status === 401 && !url.startsWith("/api/session")) {
    askForToken();
    throw new SignInNeeded();
  }
  if (!response.ok) {
    const message = body && body.error ? body.error : response.status + " " + response.statusText;
    throw new Error(message);
  }
  return body;
}

const segment = (value) => encodeURIComponent(value);

/** "1 tile", "24 tiles". */
const count = (n, noun) => n + " " + noun + (Number(n) === 1 ? "" : "s");

// ---- routing: #/ search, #/slides, #/slide/ID, #/cases ----

function route() {
  if (!$("page-login").hidden) return; // signing in first; the page comes back after
  // A shared link may carry its search before the hash (/?q=adipose+tissue): move it into the hash.
  if (location.search && !location.hash) {
    history.replaceState(null, "", location.pathname + "#/" + location.search);
  }
  const hash = location.hash || "#/";
  const slide = hash.match(/^#\/slide\/(.+)$/);
  const page = slide ? "slide" : hash.startsWith("#/slides") ? "slides" : hash.startsWith("#/cases") ? "cases" : "search";
  for (const p of ["search", "slides", "slide", "cases"]) $("page-" + p).hidden = p !== page;
  const current = page === "slide" ? "slides" : page;
  for (const nav of ["search", "slides", "cases"]) {
    if (nav === current) $("nav-" + nav).setAttribute("aria-current", "page");
    else $("nav-" + nav).removeAttribute("aria-current");
  }
  if (page === "slides") showSlides();
  if (page === "cases") showPatients(new URLSearchParams(hash.split("?")[1] || "").get("patient"));
  if (page === "slide") {
    // #/slide/ID or #/slide/ID?x=X&y=Y (a tile's level-0 corner, to mark on the slide)
    const [encoded, query] = slide[1].split("?");
    const at = new URLSearchParams(query || "");
    showSlide(decodeURIComponent(encoded), at.has("x") ? { x: Number(at.get("x")), y: Number(at.get("y")) } : null);
  }
  if (page === "search") searchFromUrl(hash);
}

// ---- search ----

/** Values of the filter fields in the index (GET /api/facets), loaded once. */
let facets = null;

/**
 * The fields the filter boxes stand for: site, stain and label, then the index's own manifest
 * columns, as /api/facets lists them (a box is added for each once the facets are loaded).
 */
let filterFields = ["site", "stain", "label"];

/** A field name that can be an element id and a filter term as it stands. */
const PLAIN_FIELD = /^[A-Za-z][A-Za-z0-9_-]*$/;

async function loadFacets() {
  if (facets) return;
  facets = (await api("/api/facets")).facets;
  filterFields = Object.keys(facets).filter((field) => PLAIN_FIELD.test(field));
  for (const field of filterFields) {
    if (!$("f-" + field)) addFilterBox(field);
    $("values-" + field).replaceChildren(...(facets[field] || []).map((f) => {
      const option = el("option", count(f.tiles, "tile"));
      option.value = f.value;
      return option;
    }));
  }
}

/** A filter box for one of the index's own columns, after the built-in ones. */
function addFilterBox(field) {
  const words = field.replace(/_/g, " ");
  const label = el("label", words.charAt(0).toUpperCase() + words.slice(1));
  label.htmlFor = "f-" + field;
  const input = el("input");
  input.id = "f-" + field;
  input.type = "text";
  input.placeholder = "any";
  input.setAttribute("list", "values-" + field);
  input.dataset.extra = "true";
  const values = el("datalist");
  values.id = "values-" + field;
  const before = $("f-mode").previousElementSibling; // the "Match by" label
  before.before(label, input, values);
}

/**
 * A filter box's value as the index spells it: values match whole and case-sensitively in the index,
 * so "TUM", "tum" and "Tum" all become the indexed "TUM" when the index holds exactly one of them.
 */
function indexedValue(field, typed) {
  const values = facets && facets[field] ? facets[field].map((f) => f.value) : [];
  if (values.includes(typed)) return typed;
  const same = values.filter((v) => v.toLowerCase() === typed.toLowerCase());
  return same.length === 1 ? same[0] : typed;
}

/** The filter query from the site/stain/label boxes, in TileFilter syntax. */
function filterQuery() {
  const parts = [];
  for (const field of filterFields) {
    const value = indexedValue(field, $("f-" + field).value.trim());
    if (value) parts.push(field + ":" + (/[\s:()"]/.test(value) ? '"' + value.replace(/"/g, "") + '"' : value));
  }
  return parts.join(" AND ");
}

function searchParams() {
  const params = new URLSearchParams({ k: $("f-k").value });
  const filter = filterQuery();
  if (filter) params.set("filter", filter);
  if ($("f-partial").checked) params.set("allow_partial", "true");
  return params;
}

/**
 * An answer the server marks partial (asked for with allow_partial=true while a cluster node is down)
 * is said over the results, with how many of the index's shards answered: the tiles and cases of the
 * other shards are missing from it. The least complete of the answers shown is the one named.
 */
function showPartial(...bodies) {
  const partial = bodies.filter((body) => body && body.partial && body.shards);
  $("partial").hidden = partial.length === 0;
  if (partial.length === 0) return;
  const least = partial.reduce((a, b) =>
    a.shards.answered * b.shards.total <= b.shards.answered * a.shards.total ? a : b);
  $("partial").textContent = "Partial answer: only " + least.shards.answered + " of "
    + least.shards.total + " index shards answered (a cluster node is down or recovering)."
    + " Tiles and cases on the other shards are missing from these results; search again once the"
    + " cluster is whole.";
}

/**
 * Slide ids with a record (GET /api/slides): only those have a slide page. Tiles of a tile folder carry a
 * slide_id too, with no slide behind it; they are shown without a link rather than with a dead one.
 */
let knownSlides = null;

async function loadKnownSlides() {
  if (!knownSlides) knownSlides = new Set((await api("/api/slides")).slides.map((s) => s.slide_id));
  return knownSlides;
}

/**
 * A link to the slide's page when it has one, else its id as plain text; with a tile's level-0 x and y,
 * the page marks where the tile lies on the slide.
 */
function slideRef(slideId, x, y) {
  if (!knownSlides || !knownSlides.has(slideId)) {
    const text = el("span", slideId);
    text.title = "No slide record in this index (tiles ingested from a folder, not cut from a slide)";
    return text;
  }
  const link = el("a", slideId);
  link.href = "#/slide/" + segment(slideId) + (Number.isFinite(x) && Number.isFinite(y) ? "?x=" + x + "&y=" + y : "");
  return link;
}

/** Keys of a hit the card shows in their own places (or not at all); any other is a manifest column. */
const HIT_FIELDS = new Set(["rank", "id", "score", "slide_id", "x", "y", "source", "file_name", "label",
  "patient_id", "site", "stain", "scanner", "mpp", "caption", "thumbnail_url"]);

function tileCard(hit) {
  const li = el("li", null, "card result");
  li.dataset.tile = hit.id;
  const img = el("img");
  img.src = hit.thumbnail_url;
  img.alt = "Tile " + hit.id + (hit.label ? ", labelled " + hit.label : "");
  img.loading = "lazy";
  li.append(img);
  const body = el("div", null, "body");
  const top = el("div", null, "top");
  top.append(el("span", hit.label || "unlabelled", "label"), el("span", Number(hit.score).toFixed(3), "score"));
  body.append(top);
  // What identifies the tile: its slide and position, else its file.
  if (hit.slide_id) {
    const meta = el("div", null, "meta");
    meta.append("Slide ", slideRef(hit.slide_id, hit.x, hit.y));
    if (Number.isFinite(hit.x) && Number.isFinite(hit.y)) meta.append(" at (" + hit.x + ", " + hit.y + ")");
    body.append(meta);
  } else if (hit.file_name) {
    body.append(el("div", hit.file_name, "meta file"));
  }
  const where = [hit.site, hit.stain, hit.patient_id && "patient " + hit.patient_id].filter(Boolean).join(" · ");
  if (where) body.append(el("div", where, "meta"));
  const extra = Object.keys(hit).filter((key) => !HIT_FIELDS.has(key)).sort()
    .map((key) => key.replace(/_/g, " ") + " " + hit[key]).join(" · ");
  if (extra) body.append(el("div", extra, "meta extra"));
  if (hit.caption) body.append(el("div", hit.caption, "caption"));
  const more = el("a", "More like this", "more-like");
  const like = new URLSearchParams({ tile: hit.id, k: String(PAGE) });
  if ($("f-partial").checked) like.set("partial", "1"); // the choice made for this search holds for the next
  more.href = "#/?" + like;
  body.append(more);
  body.append(markButtons(hit.id, li));
  li.append(body);
  showMark(li, hit.id);
  return li;
}

function showHits(hits, what) {
  const list = $("results");
  list.replaceChildren(...hits.map(tileCard));
  $("results-title").hidden = hits.length === 0;
  $("feedback").hidden = hits.length === 0;
  showMarkCount();
  // A search returns the nearest tiles whatever the words, so no tile at all means the filters
  // excluded every tile: say that, not that the words found nothing.
  const filter = filterQuery();
  setStatus($("status"), hits.length > 0
    ? count(hits.length, "tile") + " for " + what + "."
    : filter
      ? "No tile passes the filters (" + filter + "): check their values, or clear one."
      : "No tiles match " + what + ".");
}

function showCases(slides) {
  const list = $("cases");
  list.replaceChildren(...slides.map((s) => {
    const li = el("li");
    li.append(slideRef(s.slide_id), " ", el("span", Number(s.score).toFixed(3) + " · " + count(s.matched_tiles, "tile"), "muted"));
    return li;
  }));
  $("cases-box").hidden = slides.length === 0;
}

/**
 * Scores are cosines, and every query gets its nearest tiles: a typo or "a cat" gets them too. The
 * server calibrates the best hit (docs/calibration.md): how far it stands above the text's mean tile,
 * as a z against texts that name no finding scored on the same tiles, with a verdict: "strong",
 * "weak" or "no better than unrelated text". Anything but strong is shown, with its numbers.
 */
function warnIfWeak(body) {
  const calibration = body.calibration;
  $("weak").hidden = !(calibration && calibration.verdict !== "strong");
  if (!$("weak").hidden) {
    const numbers = "the best tile scores " + Number(calibration.best_score).toFixed(3) + ", "
      + Number(calibration.contrast).toFixed(3) + " above this text's mean tile (z " + Number(calibration.z).toFixed(1)
      + " against " + calibration.background_texts + " texts that name no finding; strong from z 3)";
    $("weak").dataset.verdict = calibration.verdict;
    $("weak").textContent = calibration.verdict === "weak"
      ? "Weak match: " + numbers + ". Check the tiles, or try other terms."
      : "No better than unrelated text: " + numbers + ". The model may not know these words; try other terms.";
  }
}

/** Empties the results of the last search, so that a failed search never shows them under a new query. */
function clearResults() {
  $("more").hidden = true;
  $("weak").hidden = true;
  $("partial").hidden = true;
  $("results").replaceChildren();
  $("results-title").hidden = true;
  $("feedback").hidden = true;
  $("cases").replaceChildren();
  $("cases-box").hidden = true;
  $("cases-title").textContent = "Similar cases";
}

/**
 * A text search lives in the page's URL (#/?q=TEXT&site=..&stain=..&label=..&k=N), so it can be
 * reloaded, shared, and gone back and forth through: submitting the form changes the URL, and the URL
 * runs the search.
 */
function searchUrl(k) {
  const state = new URLSearchParams({ q: $("q").value.trim() });
  if ($("f-mode").value !== "text") state.set("mode", $("f-mode").value);
  if ($("f-level").value !== "tile") state.set("level", $("f-level").value);
  for (const field of filterFields) {
    const value = $("f-" + field).value.trim();
    if (value) state.set(field, value);
  }
  state.set("k", String(k));
  if ($("f-partial").checked) state.set("partial", "1");
  return "#/?" + state;
}

async function searchFromUrl(hash) {
  const query = hash.indexOf("?");
  const state = new URLSearchParams(query < 0 ? "" : hash.slice(query + 1));
  const text = state.get("q");
  const tile = state.get("tile");
  $("f-partial").checked = state.get("partial") === "1";
  if (tile) {
    runTileSearch(tile, Math.min(1000, Math.max(1, Number(state.get("k")) || PAGE)));
    return;
  }
  if (!text) {
    $("q").focus();
    return;
  }
  $("q").value = text;
  $("f-mode").value = ["keywords", "hybrid"].includes(state.get("mode")) ? state.get("mode") : "text";
  $("f-level").value = ["slide", "patient"].includes(state.get("level")) ? state.get("level") : "tile";
  // The index's own columns have boxes once the facets are loaded.
  if ([...state.keys()].some((key) => !$("f-" + key) && PLAIN_FIELD.test(key))) {
    try { await loadFacets(); } catch (e) { /* the built-in boxes only */ }
  }
  for (const field of filterFields) $("f-" + field).value = state.get(field) || "";
  const k = Math.min(1000, Math.max(1, Number(state.get("k")) || PAGE));
  runTextSearch(text, k);
}

/** Results per page; "More results" asks for a page more. */
const PAGE = 24;

function submitSearch(event) {
  event.preventDefault();
  const text = $("q").value.trim();
  if (!text) {
    setStatus($("status"), "Type a description to search, or drop an image below.", "error");
    $("q").focus();
    return;
  }
  const target = searchUrl(Number($("f-k").value) || PAGE);
  if (location.hash === target) route(); // the same search again: no hashchange to run it
  else location.hash = target;
}

function moreResults() {
  const k = $("results").children.length + PAGE;
  location.hash = searchUrl(Math.min(1000, k));
}

/** Tiles like an indexed tile, by its stored embedding ("More like this"). */
async function runTileSearch(tile, k) {
  const params = searchParams();
  params.set("k", String(k));
  params.set("tile", tile);
  $("query-image-box").hidden = true;
  newFeedback({ tile }, "tile " + tile);
  clearResults();
  await busy($("search-button"), $("status"), "Finding tiles like " + tile + "…", async () => {
    const [body] = await Promise.all([api("/api/search?" + params), loadKnownSlides()]);
    showHits(body.hits, "tile " + tile);
    showPartial(body);
  });
}

/**
 * Whole slides by the cosine between the text and their stored mean embedding (level=slide). Slides
 * have no captions and the filters select tiles, so neither applies; the status says so when set.
 */
async function runSlideSearch(text, k) {
  const params = new URLSearchParams({ k: String(k), text, level: "slide" });
  if ($("f-partial").checked) params.set("allow_partial", "true");
  $("query-image-box").hidden = true;
  clearResults();
  await busy($("search-button"), $("status"), "Searching slides…", async () => {
    const [body] = await Promise.all([api("/api/search?" + params), loadKnownSlides()]);
    $("cases-title").textContent = "Slides for \u201c" + text + "\u201d";
    showCases(body.slides);
    const ignored = filterQuery() || $("f-mode").value !== "text" ? " (filters and caption words apply to tiles only)" : "";
    setStatus($("status"), count(body.slides.length, "slide") + " for \u201c" + text + "\u201d, by their mean embedding" + ignored + ".");
    showPartial(body);
  });
}

/**
 * Patients by the cosine between the text and the mean of their slides' stored embeddings
 * (level=patient, late fusion); each links to its case in the cases view.
 */
async function runPatientSearch(text, k) {
  const params = new URLSearchParams({ k: String(k), text, level: "patient" });
  if ($("f-partial").checked) params.set("allow_partial", "true");
  $("query-image-box").hidden = true;
  clearResults();
  await busy($("search-button"), $("status"), "Searching patients…", async () => {
    const body = await api("/api/search?" + params);
    $("cases-title").textContent = "Patients for \u201c" + text + "\u201d";
    showPatientHits($("cases"), body.patients);
    $("cases-box").hidden = body.patients.length === 0;
    setStatus($("status"), count(body.patients.length, "patient") + " for \u201c" + text + "\u201d, by the mean of their slides' embeddings.");
    showPartial(body);
  });
}

/** Patient hits as a list: each patient (a link to its case), its score and how many slides it pools. */
function showPatientHits(list, patients) {
  list.replaceChildren(...patients.map((p) => {
    const li = el("li");
    li.append(patientRef(p.patient_id), " ", el("span", Number(p.score).toFixed(3) + " · " + count(p.slides, "slide"), "muted"));
    return li;
  }));
}

/** A link to a patient's case in the cases view. */
function patientRef(patientId) {
  const link = el("a", patientId);
  link.href = "#/cases?" + new URLSearchParams({ patient: patientId });
  return link;
}

async function runTextSearch(text, k) {
  if ($("f-level").value === "slide") {
    await runSlideSearch(text, k);
    return;
  }
  if ($("f-level").value === "patient") {
    await runPatientSearch(text, k);
    return;
  }
  try { await loadFacets(); } catch (e) { /* the filter boxes are then used as typed */ }
  const params = searchParams();
  params.set("k", String(k));
  params.set("text", text);
  const mode = $("f-mode").value;
  if (mode !== "text") params.set("mode", mode);
  $("query-image-box").hidden = true;
  newFeedback({ text }, "\u201c" + text + "\u201d");
  clearResults();
  await busy($("search-button"), $("status"), "Searching…", async () => {
    const [body] = await Promise.all([api("/api/search?" + params), loadKnownSlides()]);
    showHits(body.hits, "\u201c" + text + "\u201d");
    $("more").hidden = body.hits.length < k || k >= 1000;
    warnIfWeak(body);
    showPartial(body);
  });
}

// ---- relevance feedback: mark result tiles, refine the query from the marks ----

/**
 * What the marks refine: the query of the results shown ({text}, {tile}, or {} for an upload, whose
 * refined query is the relevant tiles alone) and the words the status names it by.
 */
let feedback = { query: {}, what: "" };
/** Tile id -> true (marked relevant) or false (marked not relevant); kept across refinements. */
const marks = new Map();

/** A new search: its own marks, none carried over from another query. */
function newFeedback(query, what) {
  feedback = { query, what };
  marks.clear();
  $("save-class-form").hidden = true;
}

/** The card's two toggles: ✓ relevant, ✗ not relevant (pressing the pressed one unmarks the tile). */
function markButtons(id, card) {
  const row = el("div", null, "marks");
  for (const [value, text, name] of [[true, "\u2713 Relevant", "relevant"], [false, "\u2717 Not relevant", "not relevant"]]) {
    const button = el("button", text, "mark " + (value ? "yes" : "no"));
    button.type = "button";
    button.title = "Mark this tile " + name + " to refine the search";
    button.addEventListener("click", () => {
      if (marks.get(id) === value) marks.delete(id);
      else marks.set(id, value);
      showMark(card, id);
      showMarkCount();
    });
    row.append(button);
  }
  return row;
}

function showMark(card, id) {
  const mark = marks.get(id);
  card.classList.toggle("relevant", mark === true);
  card.classList.toggle("not-relevant", mark === false);
  card.querySelector(".mark.yes").setAttribute("aria-pressed", String(mark === true));
  card.querySelector(".mark.no").setAttribute("aria-pressed", String(mark === false));
}

const markedAs = (value) => [...marks].filter(([, v]) => v === value).map(([id]) => id);

function showMarkCount() {
  const relevant = markedAs(true).length;
  const notRelevant = markedAs(false).length;
  $("feedback-count").textContent = relevant + notRelevant === 0
    ? "Mark tiles \u2713 relevant or \u2717 not relevant, then refine the search with them."
    : "Marked: " + relevant + " relevant, " + notRelevant + " not relevant.";
  // A refined query needs the query or a relevant tile (an upload is not kept to refine).
  $("refine-button").disabled = relevant + notRelevant === 0 || (relevant === 0 && !feedback.query.text && !feedback.query.tile);
  // A class is told from its complement: it needs tiles of both.
  $("save-class-button").disabled = relevant === 0 || notRelevant === 0;
}

/**
 * The search again with its query refined by the marks (POST /api/search/refine, Rocchio on the
 * embeddings: docs/web-ui.md): the tiles marked not relevant are left out, those marked relevant stay
 * where the refined query ranks them, still marked.
 */
async function refineSearch() {
  const body = { ...feedback.query, relevant: markedAs(true), not_relevant: markedAs(false) };
  body.k = Math.min(1000, Math.max(PAGE, $("results").children.length));
  const filter = filterQuery();
  if (filter) body.filter = filter;
  const params = new URLSearchParams();
  if ($("f-partial").checked) params.set("allow_partial", "true");
  await busy($("refine-button"), $("status"), "Refining the search from the marked tiles…", async () => {
    const result = await api("/api/search/refine?" + params, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    showHits(result.hits, feedback.what + ", refined");
    $("more").hidden = true;
    $("weak").hidden = true;
    const r = result.refine;
    setStatus($("status"), count(result.hits.length, "tile") + " for " + feedback.what + " refined by "
      + r.relevant.length + " relevant and " + r.not_relevant.length + " not relevant tiles (query "
      + r.alpha + " \u00d7 " + (r.query === "relevant" ? "none" : r.query) + " + " + r.beta + " \u00d7 mean relevant \u2212 "
      + r.gamma + " \u00d7 mean not relevant)" + (r.excluded > 0 ? "; " + count(r.excluded, "tile") + " marked not relevant left out" : "") + ".");
    showPartial(result);
  });
}

/** "Save as class…": the form asks a name, and offers the query's text as the class's prompt. */
function openSaveClass() {
  $("save-class-form").hidden = false;
  $("class-prompt").value = feedback.query.text || "";
  $("class-name").focus();
}

/**
 * The marked tiles as a named few-shot classifier kept with the index (POST /api/classifiers): the
 * relevant tiles are its class, the others "not" it; the slide page lists it beside the prompt sets.
 */
async function saveClass(event) {
  event.preventDefault();
  const name = $("class-name").value.trim();
  const body = { name, relevant: markedAs(true), not_relevant: markedAs(false), method: $("class-method").value };
  const prompt = $("class-prompt").value.trim();
  if (prompt) body.prompt = prompt;
  await busy($("save-class-submit"), $("status"), "Saving class " + name + "…", async () => {
    await api("/api/classifiers", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    forgetPromptSets();
    $("save-class-form").hidden = true;
    setStatus($("status"), "Saved class " + name + " from " + count(body.relevant.length, "relevant tile") + " and "
      + body.not_relevant.length + " not relevant" + (prompt ? ", with the prompt \u201c" + prompt + "\u201d" : "")
      + ". Choose it on a slide page for its heatmap.");
  });
}

function clearMarks() {
  marks.clear();
  for (const card of $("results").children) showMark(card, card.dataset.tile);
  showMarkCount();
}

/** The image of the last image search, which "Classify tile" classifies. */
let lastUpload = null;

/** Zero-shot probabilities of the uploaded tile for the chosen prompt set (POST /api/classify). */
async function classifyTile(event) {
  event.preventDefault();
  if (!lastUpload) return;
  const form = new FormData();
  form.append("image", lastUpload, lastUpload.name);
  const params = new URLSearchParams(chosenModel($("tile-prompt-set")));
  await busy($("tile-classify-button"), $("status"), "Classifying " + lastUpload.name + "…", async () => {
    const result = await api("/api/classify?" + params, { method: "POST", body: form });
    const rows = Object.entries(result.probabilities).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    $("tile-probabilities").tBodies[0].replaceChildren(...rows.map(([name, p]) => {
      const tr = el("tr", null, name === result.prediction ? "top" : "");
      tr.append(el("td", name), el("td", (100 * p).toFixed(1) + " %", "num"));
      return tr;
    }));
    $("tile-probabilities").hidden = false;
    setStatus($("status"), lastUpload.name + ": " + result.prediction + " (" + result.prompts + ").");
  });
}

async function serverPreview(img, file) {
  img.onerror = null; // once: a file the server cannot read either keeps the broken picture
  const form = new FormData();
  form.append("image", file, file.name);
  try {
    const response = await fetch("/api/preview", { method: "POST", body: form });
    if (!response.ok) return;
    if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
    img.src = URL.createObjectURL(await response.blob());
  } catch (e) { /* the search's own status reports what went wrong */ }
}

async function searchImage(file) {
  if (!file) return;
  if (!file.type.startsWith("image/") && file.type !== "") {
    setStatus($("status"), file.name + " is not an image.", "error");
    return;
  }
  lastUpload = file;
  $("tile-probabilities").hidden = true;
  fillPromptPicker($("tile-prompt-set")).catch(() => {});
  const preview = $("query-image");
  if (preview.src.startsWith("blob:")) URL.revokeObjectURL(preview.src);
  // A file the browser cannot show (TIFF, as NCT-CRC-HE ships its tiles) is previewed from a PNG the
  // server renders of it.
  preview.onerror = () => serverPreview(preview, file);
  preview.src = URL.createObjectURL(file);
  $("query-image-box").hidden = false;
  // An upload is not kept: the tiles marked relevant alone become the refined query.
  newFeedback({}, file.name);
  clearResults();
  const form = () => { const f = new FormData(); f.append("image", file, file.name); return f; };
  const similar = new URLSearchParams({ k: "5" });
  if ($("f-partial").checked) similar.set("allow_partial", "true");
  await busy($("search-button"), $("status"), "Finding tiles like " + file.name + "…", async () => {
    const [tiles, cases] = await Promise.all([
      api("/api/search?" + searchParams(), { method: "POST", body: form() }),
      api("/api/similar?" + similar, { method: "POST", body: form() }),
      loadKnownSlides(),
    ]);
    showHits(tiles.hits, file.name);
    showCases(cases.slides);
    showPartial(tiles, cases);
  });
}

/** An error state, or none when the failure was the sign-in form taking over the page. */
function showError(status, e) {
  if (e instanceof SignInNeeded) setStatus(status, "");
  else setStatus(status, "Error: " + e.message, "error");
}

/** Runs work with a loading state and turns a failure into an error state. */
async function busy(button, status, message, work) {
  button.disabled = true;
  setStatus(status, message, "loading");
  try {
    await work();
  } catch (e) {
    showError(status, e);
  } finally {
    button.disabled = false;
  }
}

function wireFacets() {
  for (const field of filterFields) {
    $("f-" + field).addEventListener("focus", () => loadFacets().catch(() => {}), { once: true });
  }
}

function wireDrop() {
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    searchImage(e.dataTransfer.files[0]);
  });
  // Enter or Space on the drop zone opens the file chooser: the keyboard path to an upload.
  drop.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("file").click(); }
  });
  $("file").addEventListener("change", (e) => searchImage(e.target.files[0]));
}

// ---- slides ----

async function showSlides() {
  const status = $("slides-status");
  setStatus(status, "Loading slides…", "loading");
  try {
    const body = await api("/api/slides");
    knownSlides = new Set(body.slides.map((s) => s.slide_id));
    $("slides").replaceChildren(...body.slides.map((s) => {
      const li = el("li", null, "card");
      const img = el("img");
      img.src = s.thumbnail_url;
      img.alt = "Thumbnail of slide " + s.slide_id;
      const bodyDiv = el("div", null, "body");
      const link = el("a", s.slide_id, "label");
      link.href = "#/slide/" + segment(s.slide_id);
      bodyDiv.append(link, el("div", s.width + " × " + s.height + " px · " + count(s.tiles, "tile"), "meta"));
      li.append(img, bodyDiv);
      return li;
    }));
    setStatus(status, body.slides.length === 0 ? "No slides in this index: ingest some with pathlens ingest." : "");
  } catch (e) {
    showError(status, e);
  }
}

// ---- cases ----

/** Patients by id with their slides (GET /api/patients), loaded once per page view. */
let casesOf = null;

async function loadCases() {
  const body = await api("/api/patients");
  casesOf = new Map(body.patients.map((p) => [p.patient_id, p.slides]));
  return body;
}

/** The cases view: every patient with its slides; with ?patient=ID, that patient marked and in view. */
async function showPatients(selected) {
  const status = $("cases-status");
  setStatus(status, "Loading cases…", "loading");
  try {
    const body = await loadCases();
    $("patients").replaceChildren(...body.patients.map((p) => {
      const li = el("li");
      li.id = "patient-" + p.patient_id;
      if (p.patient_id === selected) li.classList.add("selected");
      li.append(el("strong", p.patient_id), " ", el("span", count(p.slides.length, "slide") + ": ", "muted"));
      p.slides.forEach((s, i) => {
        if (i > 0) li.append(", ");
        li.append(slideRef(s.slide_id));
      });
      return li;
    }));
    setStatus(status, body.patients.length === 0
      ? "No patients here: slides get a patient with ingest --patients CSV|tcga, tiles with a manifest's patient_id."
      : count(body.patients.length, "patient") + ".");
    if (selected && $("patient-" + selected)) $("patient-" + selected).scrollIntoView();
  } catch (e) {
    showError(status, e);
  }
}

/** On a slide's page: the other patients most like this slide's patient, when it has one. */
async function showSlidePatients(id) {
  $("slide-patients").replaceChildren();
  $("slide-patients").hidden = true;
  $("slide-patients-title").hidden = true;
  try {
    if (!casesOf) await loadCases();
    const patient = [...casesOf].find(([, slides]) => slides.some((s) => s.slide_id === id));
    if (!patient || currentSlide !== id) return;
    const body = await api("/api/similar?" + new URLSearchParams({ patient: patient[0], k: "5" }));
    if (currentSlide !== id) return;
    $("slide-patients-title").textContent = "Patients like " + patient[0];
    showPatientHits($("slide-patients"), body.patients);
    if (body.patients.length === 0) $("slide-patients").replaceChildren(el("li", "No other patient in this index.", "muted"));
    $("slide-patients").hidden = false;
    $("slide-patients-title").hidden = false;
  } catch (e) {
    // no slide vectors, or no patients: the page stays without the list
  }
}

let promptSets = null;
/** The classifiers saved with the index (GET /api/classifiers), listed in the pickers after the prompt sets. */
let savedClassifiers = [];
/** A picker's value for a saved classifier; a prompt set's value is its bare name. */
const CLASSIFIER = "classifier:";
/** The served model's name, from /api/health. */
let servedModel = null;
const PROMPT_SET_KEY = "pathlens.promptSet";

async function loadPromptSets() {
  await fillPromptPicker($("prompt-set"));
  fillClasses();
}

/**
 * Fills a prompt-set picker once: names (descriptions on hover), then the saved classifiers in a group
 * of their own, the remembered choice selected.
 */
async function fillPromptPicker(picker) {
  if (!promptSets) {
    const [prompts, classifiers] = await Promise.all([api("/api/prompts"), api("/api/classifiers")]);
    savedClassifiers = classifiers.classifiers.filter((c) => (prompts.classifiers || []).includes(c.name));
    promptSets = prompts.prompt_sets;
  }
  if (picker.options.length === 0) {
    picker.replaceChildren(...promptSets.map((p) => {
      const option = el("option", p.name);
      option.value = p.name;
      if (p.description) option.title = p.description;
      return option;
    }));
    if (savedClassifiers.length > 0) {
      const group = el("optgroup");
      group.label = "Saved classifiers";
      group.append(...savedClassifiers.map((c) => {
        const option = el("option", c.name);
        option.value = CLASSIFIER + c.name;
        option.title = c.method + " from " + c.relevant + " relevant and " + c.not_relevant + " not relevant tiles"
          + (c.prompt ? " and the prompt \u201c" + c.prompt + "\u201d" : "");
        return option;
      }));
      picker.append(group);
    }
    const remembered = localStorage.getItem(PROMPT_SET_KEY);
    if (remembered && [...picker.options].some((o) => o.value === remembered)) picker.value = remembered;
    else picker.value = await fittingPromptSet();
  }
}

/**
 * The prompt set that fits the index: the one whose classes are most of the labels its tiles carry
 * (case aside); among equals, one made for the served model (its name inside the model's, as
 * demo-crc9 in pathlens-demo-crc9); then the first by name.
 */
async function fittingPromptSet() {
  try { await loadFacets(); } catch (e) { /* no labels to go by */ }
  const labels = new Set(((facets && facets.label) || []).map((f) => f.value.toLowerCase()));
  const fit = (p) => p.classes.filter((c) => labels.has(c.toLowerCase())).length;
  const madeFor = (p) => (servedModel && servedModel.includes(p.name) ? 1 : 0);
  const ranked = [...promptSets].sort((a, b) => fit(b) - fit(a) || madeFor(b) - madeFor(a) || a.name.localeCompare(b.name));
  return ranked.length > 0 ? ranked[0].name : "";
}

/** After a classifier is saved or deleted: the pickers are filled again on their next use. */
function forgetPromptSets() {
  promptSets = null;
  $("prompt-set").replaceChildren();
  $("tile-prompt-set").replaceChildren();
}

/** What a picker's choice asks the API for: {prompts: SET} or {classifier: NAME}. */
function chosenModel(picker) {
  const value = picker.value;
  return value.startsWith(CLASSIFIER) ? { classifier: value.slice(CLASSIFIER.length) } : { prompts: value };
}

/** The saved classifier chosen in a picker, or undefined for a prompt set. */
function chosenClassifier(picker) {
  const name = chosenModel(picker).classifier;
  return savedClassifiers.find((c) => c.name === name);
}

function fillClasses() {
  const classifier = chosenClassifier($("prompt-set"));
  const set = classifier ? { name: $("prompt-set").value, classes: classifier.classes, description: $("prompt-set").selectedOptions[0].title }
    : promptSets.find((p) => p.name === $("prompt-set").value);
  if (set) {
    localStorage.setItem(PROMPT_SET_KEY, set.name);
    $("prompt-set").title = set.description || "";
  }
  $("delete-classifier").hidden = !classifier;
  linkQuPathDownload();
  const auto = el("option", "the prediction");
  auto.value = "";
  $("heat-class").replaceChildren(auto, ...(set ? set.classes : []).map((c) => {
    const option = el("option", c);
    option.value = c;
    return option;
  }));
}

let currentSlide = null;

/**
 * Points "Download for QuPath" at the slide's GeoJSON with the chosen prompt set (GET
 * .../zeroshot.geojson), saved as <slide id>.geojson; hidden while there is no slide or prompt set.
 */
function linkQuPathDownload() {
  const link = $("qupath-link");
  const promptSet = $("prompt-set").value;
  const chosen = chosenModel($("prompt-set"));
  // Only once the slide's record has come back (as Classify slide).
  link.hidden = !currentSlide || !promptSet || $("classify-button").disabled;
  if (link.hidden) {
    link.removeAttribute("href");
    return;
  }
  link.href = "/api/slides/" + segment(currentSlide) + "/zeroshot.geojson?" + new URLSearchParams(chosen);
  link.download = currentSlide.replace(/[^A-Za-z0-9._@,+-]/g, "_") + ".geojson";
}

/** Slides like this one (GET /api/similar?slide=), linked where they have a page. */
async function showSlideCases(id) {
  $("slide-cases").replaceChildren();
  try {
    const [body] = await Promise.all([api("/api/similar?k=5&slide=" + segment(id)), loadKnownSlides()]);
    if (currentSlide !== id) return;
    $("slide-cases").replaceChildren(...(body.slides.length === 0
      ? [el("li", "No other slide in this index.", "muted")]
      : body.slides.map((s) => {
        const li = el("li");
        li.append(slideRef(s.slide_id), " ", el("span", Number(s.score).toFixed(3), "muted"));
        return li;
      })));
  } catch (e) {
    $("slide-cases").replaceChildren(el("li", e instanceof SignInNeeded ? "" : "Error: " + e.message, "muted"));
  }
}

async function showSlide(id, tileAt) {
  currentSlide = id;
  $("tile-marker").hidden = true;
  $("slide-title").textContent = "Slide " + id;
  $("slide-meta").textContent = "";
  $("prediction").textContent = "Not classified yet.";
  $("probabilities").hidden = true;
  hideOverlay();
  const thumb = $("slide-thumb");
  // Nothing of the previous slide may stay under this one's title: no picture, no way to classify,
  // until this slide's record has come back.
  thumb.removeAttribute("src");
  thumb.hidden = true;
  $("classify-button").disabled = true;
  $("qupath-link").hidden = true;
  thumb.alt = "Thumbnail of slide " + id;
  const status = $("slide-status");
  setStatus(status, "Loading slide…", "loading");
  try {
    const record = await api("/api/slides/" + segment(id));
    if (currentSlide !== id) return; // another slide was asked for meanwhile
    thumb.src = record.thumbnail_url;
    thumb.hidden = false;
    $("classify-button").disabled = false;
    if (tileAt) markTile(record, tileAt);
    openZoom(id, tileAt, record);
    $("slide-meta").textContent = [record.vendor, record.levels && record.levels.length > 0 && record.levels[0].width + " × " + record.levels[0].height + " px",
      record.mpp_x && Number(record.mpp_x).toFixed(3) + " µm/px" + mppOrigin(record.mpp_source),
      record.tiles ? count(record.tiles, "tile") : noTissueTiles(record)]
      .filter(Boolean).join(" · ");
    await loadPromptSets();
    if (currentSlide !== id) return;
    if (!record.tiles) {
      // a slide whose tissue fell below --min-tissue keeps its page, with nothing to classify
      $("classify-button").disabled = true;
      setStatus(status, "This slide has no tissue tiles: nothing to classify or search on it.");
    } else {
      setStatus(status, "Pick a prompt set and press Classify slide.");
    }
    linkQuPathDownload(); // nothing to download where there is nothing to classify
    showSlideCases(id);
    showSlidePatients(id);
  } catch (e) {
    showError(status, e);
  }
}

/** Where a slide's µm/px came from, when a person gave it rather than the scanner. */
function mppOrigin(source) {
  const given = { csv: "--mpp-csv", default: "--mpp-default", override: "--mpp-override" };
  return given[source] ? " (assumed: " + given[source] + ")" : "";
}

/** A slide ingested with no tile above --min-tissue: say so, and how much tissue was found. */
function noTissueTiles(record) {
  const found = record.tissue_fraction != null ? ", tissue " + (100 * record.tissue_fraction).toFixed(1) + " % of the slide" : "";
  return "no tissue tiles (--min-tissue " + record.min_tissue + found + ")";
}

/** The deep-zoom viewer of the slide page (OpenSeadragon over GET /api/slides/{id}/image.dzi). */
let zoomViewer = null;

function openZoom(id, tileAt, record) {
  if (typeof OpenSeadragon === "undefined") return; // the viewer script did not load: the thumbnail stays
  if (zoomViewer) zoomViewer.destroy();
  zoomViewer = OpenSeadragon({
    element: $("zoom"),
    prefixUrl: "/webjars/openseadragon/2.4.2/build/openseadragon/images/",
    tileSources: "/api/slides/" + segment(id) + "/image.dzi",
    showNavigator: true,
    maxZoomPixelRatio: 2,
  });
  window.zoomViewer = zoomViewer; // for the browser tests
  zoomTiles = null;
  $("zoom-tile").hidden = true;
  wireZoomPointer();
  if (tileAt) {
    // Open on the tile a search result came from.
    zoomViewer.addOnceHandler("open", () => {
      const width = record.levels[0].width;
      const side = record.tile_size * record.tile_mpp / record.mpp_x;
      // Viewport coordinates: the slide's width is 1, heights in the same unit. The tile and a tile
      // of context on each side.
      zoomViewer.viewport.fitBounds(new OpenSeadragon.Rect(
        (tileAt.x - side) / width, (tileAt.y - side) / width, 3 * side / width, 3 * side / width), true);
    });
  }
}

/**
 * The classified tiles of the slide on view, from its GeoJSON (GET .../zeroshot.geojson), indexed by
 * grid cell so that pointing at the slide finds its tile at once.
 */
let zoomTiles = null;

async function loadZoomTiles(slideId, chosen) {
  zoomTiles = null;
  const collection = await api("/api/slides/" + segment(slideId) + "/zeroshot.geojson?" + new URLSearchParams(chosen));
  const side = collection.pathlens.tile_side_level0;
  const cells = new Map();
  for (const feature of collection.features) {
    const [x, y] = feature.geometry.coordinates[0][0];
    // The feature's id is the tile's UUID for QuPath; the tile id is its name.
    cells.set(Math.floor(x / side + 1e-6) + "," + Math.floor(y / side + 1e-6), { id: feature.properties.name, x, y, properties: feature.properties });
  }
  zoomTiles = { side, cells };
}

/** The classified tile under level-0 point (x, y), if any. */
function tileAt(x, y) {
  if (!zoomTiles) return null;
  const tile = zoomTiles.cells.get(Math.floor(x / zoomTiles.side) + "," + Math.floor(y / zoomTiles.side));
  return tile && x >= tile.x && y >= tile.y && x < tile.x + zoomTiles.side && y < tile.y + zoomTiles.side ? tile : null;
}

/** "STR 43.2 % · TUM 34.3 % · DEB 10.5 %": a tile's three likeliest classes. */
function topClasses(tile) {
  return Object.entries(tile.properties.measurements)
    .sort((a, b) => b[1] - a[1]).slice(0, 3)
    .map(([name, p]) => name.replace(/^p\((.*)\)$/, "$1") + " " + (100 * p).toFixed(1) + " %").join(" · ");
}

function wireZoomPointer() {
  const imagePoint = (position) => zoomViewer.viewport.viewerElementToImageCoordinates(position);
  new OpenSeadragon.MouseTracker({
    element: zoomViewer.element,
    moveHandler: (event) => {
      if (!zoomTiles) return;
      const at = imagePoint(event.position);
      const tile = tileAt(at.x, at.y);
      $("zoom-info").textContent = tile ? "Tile " + tile.id + ": " + topClasses(tile) : "No classified tile here.";
    },
  });
  zoomViewer.addHandler("canvas-click", (event) => {
    if (!event.quick || !zoomTiles) return;
    const at = imagePoint(event.position);
    const tile = tileAt(at.x, at.y);
    if (!tile) return;
    $("zoom-tile-image").src = "/api/tiles/" + tile.id.split("/").map(segment).join("/") + "/image";
    $("zoom-tile-image").alt = "Tile " + tile.id;
    const caption = $("zoom-tile-caption");
    caption.textContent = "Tile " + tile.id + " (level 0 at " + tile.x + ", " + tile.y + "): " + topClasses(tile) + " ";
    const more = el("a", "More like this");
    more.href = "#/?" + new URLSearchParams({ tile: tile.id, k: String(PAGE) });
    caption.append(more);
    $("zoom-tile").hidden = false;
  });
}

/** Lays the class heatmap's colour layer over the deep-zoom view, over the whole slide. */
function overlayZoom(url) {
  if (!zoomViewer) return;
  const world = zoomViewer.world;
  while (world.getItemCount() > 1) world.removeItem(world.getItemAt(1));
  zoomViewer.addSimpleImage({ url, x: 0, y: 0, width: 1, opacity: $("opacity").value / 100 });
}

/**
 * Outlines a tile on the thumbnail: its level-0 square (side: the tiles' pixels at their µm/px, in the
 * slide's µm/px) as a share of the slide's level-0 size, which the thumbnail covers whole.
 */
function markTile(record, at) {
  const side = record.tile_size * record.tile_mpp / record.mpp_x;
  const marker = $("tile-marker");
  const { width, height } = record.levels[0];
  marker.style.left = (100 * at.x / width) + "%";
  marker.style.top = (100 * at.y / height) + "%";
  marker.style.width = (100 * side / width) + "%";
  marker.style.height = (100 * side / height) + "%";
  marker.title = "The tile at " + at.x + ", " + at.y + " (level 0)";
  marker.hidden = false;
}

/**
 * Sizes the viewer to the thumbnail: its aspect ratio, as wide as the page allows, and no taller than
 * the window leaves below the slide's header and controls (so a laptop screen shows all of it).
 */
function fitViewer() {
  const thumb = $("slide-thumb");
  const aspect = (thumb.naturalWidth / thumb.naturalHeight).toFixed(4);
  const stack = thumb.parentElement;
  stack.style.aspectRatio = thumb.naturalWidth + " / " + thumb.naturalHeight;
  stack.style.width = "min(100%, calc(max(20rem, 100vh - 24rem) * " + aspect + "))";
}

function hideOverlay() {
  const overlay = $("overlay");
  overlay.hidden = true;
  overlay.removeAttribute("src");
  $("legend").hidden = true;
  $("heatmap-empty").hidden = false;
}

/** Loads an image into img and resolves once it is decoded (so it shows, sized, in one step). */
function loadImage(img, url, what) {
  return new Promise((resolve, reject) => {
    img.onload = resolve;
    img.onerror = () => reject(new Error(what + " could not be loaded"));
    img.src = url;
  });
}

async function classifySlide(event) {
  event.preventDefault();
  const chosen = chosenModel($("prompt-set"));
  const params = new URLSearchParams(chosen);
  if ($("heat-class").value) params.set("class", $("heat-class").value);
  const status = $("slide-status");
  await busy($("classify-button"), status, "Classifying every tile of the slide…", async () => {
    const result = await api("/api/slides/" + segment(currentSlide) + "/classify?" + params);
    $("prediction").textContent = result.prediction;
    const rows = Object.entries(result.probabilities).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    $("probabilities").tBodies[0].replaceChildren(...rows.map(([name, p]) => {
      const tr = el("tr", null, name === result.prediction ? "top" : "");
      const bar = el("div", null, "barbg");
      const fill = el("div", null, "barfg");
      fill.style.width = (100 * p).toFixed(1) + "%";
      bar.append(fill);
      const barCell = el("td");
      barCell.append(bar);
      tr.append(el("td", name), el("td", (100 * p).toFixed(1) + " %", "num"), barCell);
      return tr;
    }));
    $("probabilities").hidden = false;
    // The colour layer alone, at the thumbnail's pixel size: it sits on the thumbnail in the same box.
    const overlay = $("overlay");
    const drawn = params.get("class") || result.prediction;
    overlay.alt = "Heatmap of P(" + drawn + ") per tile over slide " + currentSlide;
    await loadImage(overlay, result.overlay_url, "the heatmap");
    overlayZoom(result.overlay_url);
    await loadZoomTiles(currentSlide, chosen);
    overlay.hidden = false;
    $("heatmap-empty").hidden = true;
    $("legend-title").textContent = "P(" + drawn + ")";
    $("heatmap-link").href = result.heatmap_url;
    $("legend").hidden = false;
    applyOpacity();
    setStatus(status, count(result.tiles, "tile") + " pooled (" + result.pooling + "); heatmap shows " + drawn + ".");
  });
}

/** Deletes the saved classifier chosen on the slide page (DELETE /api/classifiers/NAME), once confirmed. */
async function deleteClassifier() {
  const classifier = chosenClassifier($("prompt-set"));
  if (!classifier || !confirm("Delete the saved classifier \u201c" + classifier.name + "\u201d? Its marked tiles stay in the index.")) return;
  await busy($("delete-classifier"), $("slide-status"), "Deleting " + classifier.name + "…", async () => {
    await api("/api/classifiers/" + segment(classifier.name), { method: "DELETE" });
    forgetPromptSets();
    localStorage.removeItem(PROMPT_SET_KEY);
    await loadPromptSets();
    setStatus($("slide-status"), "Deleted the saved classifier " + classifier.name + ".");
  });
}

function applyOpacity() {
  const value = $("opacity").value;
  $("overlay").style.opacity = value / 100;
  if (zoomViewer && zoomViewer.world.getItemCount() > 1) zoomViewer.world.getItemAt(1).setOpacity(value / 100);
  $("opacity-value").textContent = value + " %";
}

// ---- sign-in (servers started with --token) ----

function askForToken() {
  for (const p of ["search", "slides", "slide"]) $("page-" + p).hidden = true;
  $("sign-out").hidden = true;
  if ($("page-login").hidden) {
    $("page-login").hidden = false;
    $("token").focus();
  }
}

/** Trades the token for a session cookie, then shows the page that asked for it. */
async function signIn(event) {
  event.preventDefault();
  await busy($("login-button"), $("login-status"), "Signing in…", async () => {
    await api("/api/session", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: $("token").value }) });
    $("token").value = "";
    setStatus($("login-status"), "");
    $("page-login").hidden = true;
    showHealth();
    route();
  });
}

async function signOut() {
  await fetch("/api/session", { method: "DELETE" });
  $("health").textContent = "";
  askForToken();
}

async function showHealth() {
  try {
    const h = await api("/api/health");
    servedModel = h.model;
    $("health").textContent = h.model + " · " + count(h.tiles, "tile") + " · " + count(h.slides, "slide");
    // The demo model was trained on generated tissue only: its scores say nothing about real slides.
    $("demo-banner").hidden = h.model !== "pathlens-demo-crc9";
    $("sign-out").hidden = !h.token_required;
  } catch (e) {
    $("health").textContent = e instanceof SignInNeeded ? "" : "server unreachable: " + e.message;
  }
}

$("search-form").addEventListener("submit", submitSearch);
$("more").addEventListener("click", moreResults);
$("refine-button").addEventListener("click", refineSearch);
$("clear-marks").addEventListener("click", clearMarks);
$("save-class-button").addEventListener("click", openSaveClass);
$("save-class-form").addEventListener("submit", saveClass);
$("save-class-cancel").addEventListener("click", () => { $("save-class-form").hidden = true; });
$("delete-classifier").addEventListener("click", deleteClassifier);
$("slide-form").addEventListener("submit", classifySlide);
$("tile-form").addEventListener("submit", classifyTile);
$("prompt-set").addEventListener("change", fillClasses);
$("tile-prompt-set").addEventListener("change", (e) => localStorage.setItem(PROMPT_SET_KEY, e.target.value));
$("opacity").addEventListener("input", applyOpacity);
$("login-form").addEventListener("submit", signIn);
$("sign-out").addEventListener("click", signOut);
$("slide-thumb").addEventListener("load", fitViewer);
window.addEventListener("hashchange", route);
wireDrop();
wireFacets();
showHealth();
route();
