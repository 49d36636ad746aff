// guichet search: runs on the search page only, on pure static hosting.
// Downloads the language's index (see src/render/search.rs for its format), tokenises the
// query with the same rules as the build (lower case, accents folded, stop words dropped,
// final "s" dropped), and ranks the questions by the words they share with the query,
// rarer words counting more; a word in the question weighs more than in the page title,
// which weighs more than in the answer, and entries matching more of the query's words come
// first. Results are deep links to the questions.
(function () {
  "use strict";
  var form = document.getElementById("search");
  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!form || !input || !list || !status || !window.fetch) return;
  var data = form.dataset;
  var index = null;

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/ß/g, "ss");
  }

  function tokens(text, stop) {
    return fold(text).split(/[^a-z0-9]+/).filter(function (w) {
      return w && !stop[w];
    }).map(function (w) {
      return w.length > 3 && w.charAt(w.length - 1) === "s" ? w.slice(0, -1) : w;
    });
  }

  function set(words) {
    var s = Object.create(null);
    words.forEach(function (w) { s[w] = true; });
    return s;
  }

  // Prepares the index: token sets per entry and document frequencies.
  function prepare(raw) {
    var stop = set(raw.stop);
    var titles = raw.pages.map(function (p) { return set(tokens(p[1], stop)); });
    var df = Object.create(null);
    var entries = raw.entries.map(function (e) {
      var page = raw.pages[e[0]];
      var entry = {
        href: page[0] + "#" + e[1], question: e[2], page: page[1],
        q: set(tokens(e[2], stop)), t: titles[e[0]], a: set(e[3] ? e[3].split(" ") : [])
      };
      entry.qn = Object.keys(entry.q).length;
      var all = Object.assign(Object.create(null), entry.q, entry.t, entry.a);
      Object.keys(all).forEach(function (w) { df[w] = (df[w] || 0) + 1; });
      return entry;
    });
    return { stop: stop, entries: entries, df: df, vocabulary: Object.keys(df) };
  }

  // Index words a query word stands for: itself, and the longer words it begins (a word
  // being typed, or "verse" for "versement"), these at a lower weight.
  function expand(word) {
    var out = [[word, 1]];
    if (word.length >= 4) {
      index.vocabulary.forEach(function (v) {
        if (v !== word && v.indexOf(word) === 0) out.push([v, 0.6]);
      });
    }
    return out;
  }

  // Each query word adds, for each entry, its weight in the question (3), the page title
  // (1.5) and the answer (1), times its rarity; the sum is scaled by the share of query words
  // the entry matches, and raised by up to double when the query covers the whole question
  // (a short question asked in full beats a long one sharing a word or two).
  function search(query) {
    var n = index.entries.length;
    var words = tokens(query, index.stop).filter(function (w, i, all) { return all.indexOf(w) === i; });
    var scores = new Array(n).fill(0);
    var matched = new Array(n).fill(0);
    var inQuestion = new Array(n).fill(0);
    words.forEach(function (word) {
      var best = new Array(n).fill(0);
      var asked = new Array(n).fill(false);
      expand(word).forEach(function (pair) {
        var w = pair[0];
        var df = index.df[w];
        if (!df) return;
        var idf = Math.log(1 + n / df) * pair[1];
        index.entries.forEach(function (e, i) {
          var s = ((e.q[w] ? 3 : 0) + (e.t[w] ? 1.5 : 0) + (e.a[w] ? 1 : 0)) * idf;
          if (s > best[i]) best[i] = s;
          if (e.q[w] && pair[1] === 1) asked[i] = true;
        });
      });
      best.forEach(function (s, i) {
        if (s > 0) { scores[i] += s; matched[i] += 1; }
        if (asked[i]) inQuestion[i] += 1;
      });
    });
    var hits = [];
    scores.forEach(function (s, i) {
      if (s > 0) {
        var share = matched[i] / words.length;
        var e = index.entries[i];
        var focus = e.qn ? Math.min(1, inQuestion[i] / e.qn) : 0;
        scores[i] = s * share * (1 + focus);
        hits.push(i);
      }
    });
    hits.sort(function (a, b) { return scores[b] - scores[a] || a - b; });
    return hits.slice(0, 20).map(function (i) { return index.entries[i]; });
  }

  function show(query) {
    list.textContent = "";
    if (!query.trim()) { status.textContent = ""; return; }
    var hits = search(query);
    hits.forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = e.href;
      a.textContent = e.question;
      var page = document.createElement("span");
      page.className = "from";
      page.textContent = e.page;
      li.appendChild(a);
      li.appendChild(document.createElement("br"));
      li.appendChild(page);
      list.appendChild(li);
    });
    status.textContent = hits.length === 0 ? data.none
      : hits.length === 1 ? data.one : data.many.replace("{n}", hits.length);
  }

  function run() {
    var query = input.value;
    show(query);
    var url = new URL(location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  input.addEventListener("input", function () { if (index) run(); });

  fetch(data.index).then(function (r) {
    if (!r.ok) throw new Error(r.status);
    return r.json();
  }).then(function (raw) {
    index = prepare(raw);
    var q = new URLSearchParams(location.search).get("q");
    if (q && !input.value) input.value = q;
    if (input.value) show(input.value);
    form.classList.add("ready");
  }).catch(function () { status.textContent = data.error; });
})();
