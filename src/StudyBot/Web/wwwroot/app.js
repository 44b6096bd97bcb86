// StudyBot's web app. Inside Telegram it signs in with the Mini App's init data; in a browser with
// the session cookie that a /web link opens. Everything a learner wrote is put in the page as text
// (textContent), never as HTML.
"use strict";

const TEXTS = {
  "zh-CN": {
    title: "学习日志", signingIn: "正在登录…", signedInAs: "已登录：{0}", notSignedIn: "未登录。请在与机器人的私聊中发送 /web 获取登录链接，或在 Telegram 中打开 /app。",
    linkUsed: "此登录链接已使用或已过期。请向机器人发送 /web 获取新链接。", failed: "出错了，请稍后再试。",
    search: "搜索感想、主题或引文", allThemes: "全部主题", allMonths: "全部月份", count: "共 {0} 条",
    edit: "修改", save: "保存", cancel: "取消", edited: "已修改", photo: "照片", voice: "语音 {0}", madeUp: "补卡", late: "逾期", shared: "已分享", comment: "点评：{0}",
    signOut: "退出登录", empty: "还没有感想。",
  },
  en: {
    title: "Study journal", signingIn: "Signing in…", signedInAs: "Signed in as {0}", notSignedIn: "Not signed in. Send /web to the bot in your private chat for a sign-in link, or open /app in Telegram.",
    linkUsed: "This sign-in link is used or expired. Send /web to the bot for a new one.", failed: "Something went wrong; please try again later.",
    search: "Search reflections, themes or quotations", allThemes: "All themes", allMonths: "All months", count: "{0} in all",
    edit: "Edit", save: "Save", cancel: "Cancel", edited: "edited", photo: "photo", voice: "voice {0}", madeUp: "made up", late: "late", shared: "shared", comment: "Comment: {0}",
    signOut: "Sign out", empty: "No reflections yet.",
  },
};

let language = (navigator.language || "").toLowerCase().startsWith("zh") ? "zh-CN" : "en";
let initData = null;
let csrfToken = null;
let usedLink = false;

const $ = (id) => document.getElementById(id);
const t = (key, ...args) => TEXTS[language][key].replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));

function translatePage() {
  document.documentElement.lang = language;
  document.querySelectorAll("[data-text]").forEach((el) => { el.textContent = t(el.dataset.text); });
  document.querySelectorAll("[data-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.placeholder); });
}

async function api(method, path, body) {
  const headers = {};
  if (initData) headers.Authorization = "tma " + initData;
  if (csrfToken && method !== "GET") headers["X-CSRF-Token"] = csrfToken;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch("api/" + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  const json = response.status === 204 ? null : await response.json().catch(() => null);
  return { status: response.status, json };
}

function loadTelegramScript() {
  return new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = "https://telegram.org/js/telegram-web-app.js";
    script.onload = resolve;
    script.onerror = resolve;
    document.head.appendChild(script);
  });
}

async function signIn() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.has("tgWebAppData")) {
    // Inside Telegram: its script applies the theme; the init data is also in the fragment.
    await loadTelegramScript();
    const webApp = window.Telegram && window.Telegram.WebApp;
    if (webApp) webApp.ready();
    initData = (webApp && webApp.initData) || fragment.get("tgWebAppData");
    return api("GET", "me");
  }

  if (fragment.has("login")) {
    // The link's token, once; the address bar then forgets it.
    const token = fragment.get("login");
    history.replaceState(null, "", location.pathname);
    usedLink = true;
    return api("POST", "session", { token });
  }

  return api("GET", "me");
}

function showSignedIn(me) {
  language = me.language === "en" ? "en" : "zh-CN";
  csrfToken = me.csrfToken;
  translatePage();
  $("status").textContent = t("signedInAs", me.name);
  $("signout").hidden = me.signedInWith !== "browser";
  $("journal").hidden = false;
}

function fillSelect(select, values) {
  const chosen = select.value;
  while (select.options.length > 1) select.remove(1);
  values.forEach((value) => select.add(new Option(value, value)));
  select.value = values.includes(chosen) ? chosen : "";
}

function renderEntry(entry) {
  const item = $("entry").content.firstElementChild.cloneNode(true);
  const marks = [entry.date, entry.theme];
  if (entry.kind === "photo") marks.push(t("photo"));
  if (entry.kind === "voice") {
    const seconds = entry.durationSeconds || 0;
    marks.push(t("voice", `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`));
  }
  if (entry.timing !== "onTime") marks.push(t(entry.timing));
  if (entry.shared) marks.push(t("shared"));
  if (entry.edited) marks.push(t("edited"));
  item.querySelector(".meta").textContent = marks.filter(Boolean).join(" · ");
  item.querySelector(".quote").textContent = entry.source ? `${entry.quote} — ${entry.source}` : entry.quote;
  item.querySelector(".text").textContent = entry.text;
  const comments = item.querySelector(".comments");
  entry.comments.forEach((comment) => {
    const li = document.createElement("li");
    li.textContent = t("comment", comment);
    comments.appendChild(li);
  });
  const editor = item.querySelector(".edit");
  const area = editor.querySelector("textarea");
  item.querySelector(".start-edit").addEventListener("click", () => { area.value = entry.text; editor.hidden = false; });
  editor.querySelector(".cancel").addEventListener("click", () => { editor.hidden = true; });
  editor.querySelector(".save").addEventListener("click", async () => {
    const result = await api("PUT", "journal/" + entry.id, { text: area.value });
    if (result.status === 204) {
      await loadJournal();
    } else {
      $("status").textContent = (result.json && result.json.error) || t("failed");
    }
  });
  item.querySelectorAll("[data-text]").forEach((el) => { el.textContent = t(el.dataset.text); });
  return item;
}

async function loadJournal() {
  const query = new URLSearchParams();
  if ($("q").value.trim()) query.set("q", $("q").value.trim());
  if ($("theme").value) query.set("theme", $("theme").value);
  if ($("month").value) query.set("month", $("month").value);
  const result = await api("GET", "journal?" + query);
  if (result.status !== 200) {
    $("status").textContent = t("failed");
    return;
  }

  fillSelect($("theme"), result.json.themes);
  fillSelect($("month"), result.json.months);
  $("count").textContent = result.json.entries.length ? t("count", result.json.entries.length) : t("empty");
  $("entries").replaceChildren(...result.json.entries.map(renderEntry));
}

async function main() {
  translatePage();
  let result;
  try {
    result = await signIn();
  } catch {
    $("status").textContent = t("failed");
    return;
  }

  if (result.status !== 200) {
    $("status").textContent = usedLink && result.status === 401 ? t("linkUsed") : t("notSignedIn");
    return;
  }

  showSignedIn(result.json);
  let typing;
  $("q").addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(loadJournal, 300); });
  $("theme").addEventListener("change", loadJournal);
  $("month").addEventListener("change", loadJournal);
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); loadJournal(); });
  $("signout").addEventListener("click", async () => {
    await api("DELETE", "session");
    location.reload();
  });
  await loadJournal();
}

main();
