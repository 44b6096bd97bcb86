// StudyBot's web app. Inside Telegram it signs in with the Mini App's init data; in a browser with
// the session cookie that a /web link opens. Everything a learner wrote is put in the page as text
// (textContent), never as HTML.
"use strict";

const TEXTS = {
  "zh-CN": {
    title: "学习日志", signingIn: "正在登录…", signedInAs: "已登录：{0}", notSignedIn: "未登录。请在与机器人的私聊中发送 /web 获取登录链接，或在 Telegram 中打开 /app。",
    linkUsed: "此登录链接已使用或已过期。请向机器人发送 /web 获取新链接。", failed: "出错了，请稍后再试。",
    search: "搜索感想、主题或引文", allThemes: "全部主题", allMonths: "全部月份", count: "共 {0} 条",
    edit: "修改", save: "保存", cancel: "取消", edited: "已修改", photo: "照片", voice: "语音 {0}", late: "逾期", shared: "已分享", comment: "点评：{0}",
    signOut: "退出登录", empty: "还没有感想。",
    composerTab: "心得撰写", docTitle: "标题", opening: "开头", insights: "体会", insightTitle: "体会标题",
    addInsight: "添加一条体会", addReflection: "加入一条感想…", up: "上移", down: "下移", remove: "移除",
    nextSteps: "下一步", material: "你写过的“打算做什么”，可作下一步的素材：", use: "加入下一步", closing: "结尾",
    downloadDocx: "下载 Word", downloadMd: "下载 Markdown", preview: "预览",
    saving: "正在保存…", saved: "已保存", unsaved: "有未保存的修改", conflict: "草稿已在另一窗口中修改。请刷新页面后继续。", noReflections: "还没有感想，暂无可预览的内容。",
    journalView: "我的日志", dashboardView: "小组看板", from: "从", to: "到", show: "查看",
    unanswered: "今天还没有回答", allAnswered: "今天收到思考题的成员都已回答。", nudge: "提醒", nudgeAll: "全部提醒", nudged: "已提醒",
    nudgeDone: "已提醒 {0} 人。", members: "成员参学情况", onTime: "按时", madeUp: "补卡", missed: "缺卡", noStudyDay: "非学习日",
    completion: "每日完成情况", completionDay: "{0}：{1}/{2} 已回答", wall: "分享墙", wallEmpty: "这一天没有分享的感想。",
    feature: "精选", featured: "已精选", sendComment: "发送点评", commentSent: "点评已发送。", member: "成员",
    broadcastTitle: "群发通知", broadcastPlaceholder: "通知内容，发给本组每位活跃成员", broadcastPreview: "预览", broadcastRecipients: "以下内容将发送给 {0} 位活跃成员。",
    broadcastAlsoChats: "同时在 {0} 个关联群聊中发布一次。", broadcastSend: "全部发送", broadcastSending: "发送中… {0} / {1}",
    broadcastDone: "已完成：送达 {0}，已屏蔽 {1}，失败 {2}（共 {3}）。", broadcastAgain: "此通知已确认过，没有重复发送。",
    settingsTitle: "小组设置", settingsSaved: "已保存。", settingsUnchanged: "没有修改。",
    setting_name: "名称", setting_language: "语言", setting_time: "新成员默认推送时间", setting_zone: "新成员默认时区", setting_pack: "内容包",
    setting_start: "课程开始日期", setting_end: "课程结束日期（none：不设）", setting_days: "学习日（all、mon-fri 或 mon,wed,fri）", setting_makeup: "补卡期限（0–7 天，0 为关闭）",
    setting_points: "积分", setting_leaderboard: "排行榜", setting_wall: "分享墙", setting_walltime: "分享墙发布时间", setting_reminder: "自动提醒（HH:MM 或 off）",
    packTitle: "上传内容包", packCsvHint: "CSV 文件的语言和开始日期（YAML、JSON 文件自带）：", packLanguage: "语言", packLanguageDefault: "默认", packStart: "开始日期",
    packActivate: "导入后设为本组课程", packCheck: "检查", packImport: "导入", packChooseFile: "请先选择文件。",
    packChecked: "“{0}”（{1}，{2} 起）共 {3} 条，检查通过，尚未导入。",
    downloadReport: "下载参学报告（Excel）", downloadExportXlsx: "导出感想（Excel）", downloadExportCsv: "导出感想（CSV）",
  },
  en: {
    title: "Study journal", signingIn: "Signing in…", signedInAs: "Signed in as {0}", notSignedIn: "Not signed in. Send /web to the bot in your private chat for a sign-in link, or open /app in Telegram.",
    linkUsed: "This sign-in link is used or expired. Send /web to the bot for a new one.", failed: "Something went wrong; please try again later.",
    search: "Search reflections, themes or quotations", allThemes: "All themes", allMonths: "All months", count: "{0} in all",
    edit: "Edit", save: "Save", cancel: "Cancel", edited: "edited", photo: "photo", voice: "voice {0}", late: "late", shared: "shared", comment: "Comment: {0}",
    signOut: "Sign out", empty: "No reflections yet.",
    composerTab: "Summary", docTitle: "Title", opening: "Opening", insights: "Insights", insightTitle: "Insight title",
    addInsight: "Add an insight", addReflection: "Add a reflection…", up: "Up", down: "Down", remove: "Remove",
    nextSteps: "Next steps", material: "What you said you would do, as material for the next steps:", use: "Add to next steps", closing: "Closing",
    downloadDocx: "Download Word", downloadMd: "Download Markdown", preview: "Preview",
    saving: "Saving…", saved: "Saved", unsaved: "Unsaved changes", conflict: "The draft was changed in another window. Reload the page to go on.", noReflections: "No reflections yet, so nothing to preview.",
    journalView: "My journal", dashboardView: "Group dashboard", from: "From", to: "To", show: "Show",
    unanswered: "Not answered today", allAnswered: "Everyone who got today's prompt has answered.", nudge: "Nudge", nudgeAll: "Nudge all", nudged: "nudged",
    nudgeDone: "{0} nudged.", members: "Members by day", onTime: "on time", madeUp: "made up", missed: "missed", noStudyDay: "no study day",
    completion: "Daily completion", completionDay: "{0}: {1} of {2} answered", wall: "Wall", wallEmpty: "Nothing shared on this day.",
    feature: "Feature", featured: "featured", sendComment: "Send comment", commentSent: "Comment sent.", member: "Member",
    broadcastTitle: "Broadcast", broadcastPlaceholder: "A notice for every active member of the group", broadcastPreview: "Preview", broadcastRecipients: "This goes to {0} active members.",
    broadcastAlsoChats: "It is also posted once in {0} linked group chat(s).", broadcastSend: "Send to all", broadcastSending: "Sending… {0} / {1}",
    broadcastDone: "Finished: {0} delivered, {1} blocked, {2} failed (of {3}).", broadcastAgain: "This notice was confirmed already; nothing was sent again.",
    settingsTitle: "Group settings", settingsSaved: "Saved.", settingsUnchanged: "Nothing changed.",
    setting_name: "Name", setting_language: "Language", setting_time: "New members' delivery time", setting_zone: "New members' time zone", setting_pack: "Pack",
    setting_start: "Course start", setting_end: "Course end (none: open)", setting_days: "Study days (all, mon-fri or mon,wed,fri)", setting_makeup: "Make-up window (0–7 days, 0: off)",
    setting_points: "Points", setting_leaderboard: "Leaderboard", setting_wall: "Wall", setting_walltime: "Wall post time", setting_reminder: "Automatic reminder (HH:MM or off)",
    packTitle: "Upload a pack", packCsvHint: "For a CSV file, its language and start (YAML and JSON files carry their own):", packLanguage: "Language", packLanguageDefault: "Default", packStart: "Start",
    packActivate: "Make it this group's course", packCheck: "Check", packImport: "Import", packChooseFile: "Choose a file first.",
    packChecked: "“{0}” ({1}, from {2}): {3} items, all valid; nothing imported yet.",
    downloadReport: "Download the report (Excel)", downloadExportXlsx: "Export reflections (Excel)", downloadExportCsv: "Export reflections (CSV)",
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

async function api(method, path, body, keepalive = false) {
  const headers = {};
  if (initData) headers.Authorization = "tma " + initData;
  if (csrfToken && method !== "GET") headers["X-CSRF-Token"] = csrfToken;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch("api/" + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin", keepalive });
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

// The view the address names (#view=dashboard), if any: an organizer's bookmark opens the dashboard.
const linkedView = new URLSearchParams(location.hash.slice(1)).get("view");

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
  $("views").hidden = false;
  $("views").querySelector('[data-view="dashboard"]').hidden = me.organizes.length === 0;
  showView("journal");
}

function showView(view) {
  ["journal", "composer", "dashboard"].forEach((name) => { $(name).hidden = name !== view; });
  document.querySelectorAll("#views button").forEach((button) => {
    button.classList.toggle("chosen", button.dataset.view === view);
    button.setAttribute("aria-pressed", String(button.dataset.view === view));
  });
}

function fillSelect(select, values) {
  const chosen = select.value;
  while (select.options.length > 1) select.remove(1);
  values.forEach((value) => select.add(new Option(value, value)));
  select.value = values.includes(chosen) ? chosen : "";
}

function voiceLength(seconds) {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function renderEntry(entry) {
  const item = $("entry").content.firstElementChild.cloneNode(true);
  const marks = [entry.date, entry.theme];
  if (entry.kind === "photo") marks.push(t("photo"));
  if (entry.kind === "voice") {
    marks.push(t("voice", voiceLength(entry.durationSeconds || 0)));
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

// The summary composer. The draft lives in `composer.draft`; every change is saved after a pause
// (and at once when the page is hidden), with the version it started from: a 409 means another
// window saved since, and the page stops saving rather than overwrite that.
const composer = { version: 0, draft: null, reflections: new Map(), timer: null, saving: false, pending: false, conflict: false };

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function cloneTemplate(id) {
  const node = $(id).content.firstElementChild.cloneNode(true);
  node.querySelectorAll("[data-text]").forEach((x) => { x.textContent = t(x.dataset.text); });
  node.querySelectorAll("[data-placeholder]").forEach((x) => { x.placeholder = t(x.dataset.placeholder); });
  return node;
}

function reflectionLabel(reflection) {
  const kind = reflection.kind === "photo" ? t("photo") : reflection.kind === "voice" ? t("voice", voiceLength(reflection.durationSeconds || 0)) : "";
  const words = reflection.text.length > 40 ? reflection.text.slice(0, 40) + "…" : reflection.text;
  return [reflection.date, reflection.theme, kind, words].filter(Boolean).join(" · ");
}

function move(list, index, step) {
  const target = index + step;
  if (target < 0 || target >= list.length) return;
  [list[index], list[target]] = [list[target], list[index]];
}

function changed(rerender) {
  if (rerender) renderInsights();
  if (composer.conflict) return;
  $("save-state").textContent = t("unsaved");
  clearTimeout(composer.timer);
  composer.timer = setTimeout(saveDraft, 800);
}

function renderInsights() {
  const placed = new Set(composer.draft.insights.flatMap((insight) => insight.reflectionIds));
  const free = [...composer.reflections.values()].filter((r) => !placed.has(r.id));
  $("insights").replaceChildren(...composer.draft.insights.map((insight, index, all) => {
    const item = cloneTemplate("insight");
    const title = item.querySelector(".insight-title");
    title.value = insight.title;
    title.addEventListener("input", () => { insight.title = title.value; changed(false); });
    item.querySelector(".up").addEventListener("click", () => { move(all, index, -1); changed(true); });
    item.querySelector(".down").addEventListener("click", () => { move(all, index, 1); changed(true); });
    item.querySelector(".remove").addEventListener("click", () => { all.splice(index, 1); changed(true); });
    item.querySelector(".picked").replaceChildren(...insight.reflectionIds.filter((id) => composer.reflections.has(id)).map((id) => {
      const reflection = composer.reflections.get(id);
      const row = cloneTemplate("picked");
      const ids = insight.reflectionIds;
      const at = ids.indexOf(id);
      row.querySelector(".meta").textContent = [reflection.date, reflection.theme].filter(Boolean).join(" · ");
      row.querySelector(".text").textContent = reflection.text;
      row.querySelector(".up").addEventListener("click", () => { move(ids, at, -1); changed(true); });
      row.querySelector(".down").addEventListener("click", () => { move(ids, at, 1); changed(true); });
      row.querySelector(".remove").addEventListener("click", () => { ids.splice(at, 1); changed(true); });
      return row;
    }));
    const pick = item.querySelector(".pick");
    free.forEach((reflection) => pick.add(new Option(reflectionLabel(reflection), String(reflection.id))));
    pick.addEventListener("change", () => {
      if (!pick.value) return;
      insight.reflectionIds.push(Number(pick.value));
      changed(true);
    });
    return item;
  }));
}

function renderIntentions() {
  const intentions = [...composer.reflections.values()].filter((r) => r.intention && r.text);
  $("intentions").replaceChildren(...intentions.map((reflection) => {
    const item = el("li", "", "");
    item.appendChild(el("p", "meta", [reflection.date, reflection.prompt].filter(Boolean).join(" · ")));
    item.appendChild(el("p", "text", reflection.text));
    const use = el("button", "", t("use"));
    use.type = "button";
    use.addEventListener("click", () => {
      const area = $("summary-next");
      area.value = area.value.trim() ? area.value.trimEnd() + "\n" + reflection.text : reflection.text;
      composer.draft.nextSteps = area.value;
      changed(false);
    });
    item.appendChild(use);
    return item;
  }));
}

function renderPreview(preview) {
  const parts = [el("h3", "", preview.title)];
  if (preview.course) parts.push(el("p", "meta", preview.course));
  parts.push(el("p", "meta", preview.period));
  if (preview.opening) parts.push(el("p", "text", preview.opening));
  preview.insights.forEach((insight) => {
    parts.push(el("h4", "", insight.heading));
    insight.quotations.forEach((quotation) => {
      parts.push(el("blockquote", "quote", quotation.quote));
      parts.push(el("p", "source", quotation.source));
      quotation.reflections.forEach((reflection) => {
        parts.push(el("p", "meta", reflection.date));
        if (reflection.media) parts.push(el("p", "meta", reflection.media));
        if (reflection.text) parts.push(el("p", "text", reflection.text));
        reflection.comments.forEach((comment) => parts.push(el("p", "meta", comment)));
      });
    });
  });
  parts.push(el("h4", "", preview.nextStepsHeading));
  parts.push(el("p", "text", preview.nextSteps));
  if (preview.closing) parts.push(el("p", "text", preview.closing));
  $("preview").replaceChildren(...parts);
}

async function loadPreview() {
  const result = await api("GET", "summary/preview");
  if (result.status === 200) renderPreview(result.json);
  else $("preview").replaceChildren(el("p", "meta", result.status === 404 ? t("noReflections") : t("failed")));
}

async function saveDraft(keepalive = false) {
  clearTimeout(composer.timer);
  composer.timer = null;
  if (composer.conflict) return;
  if (composer.saving) {
    composer.pending = true;
    return;
  }

  composer.saving = true;
  $("save-state").textContent = t("saving");
  try {
    const result = await api("PUT", "summary", { version: composer.version, draft: composer.draft }, keepalive);
    if (result.status === 200) {
      composer.version = result.json.version;
      $("save-state").textContent = t("saved");
      await loadPreview();
    } else if (result.status === 409) {
      composer.conflict = true;
      $("save-state").textContent = t("conflict");
    } else {
      $("save-state").textContent = (result.json && result.json.error) || t("failed");
    }
  } catch {
    $("save-state").textContent = t("unsaved");
  } finally {
    composer.saving = false;
  }

  if (composer.pending) {
    composer.pending = false;
    await saveDraft();
  }
}

async function loadComposer() {
  const result = await api("GET", "summary");
  if (result.status !== 200) {
    $("save-state").textContent = t("failed");
    return;
  }

  composer.version = result.json.version;
  const draft = result.json.draft;
  composer.draft = {
    title: draft.title || "", opening: draft.opening || "", nextSteps: draft.nextSteps || "", closing: draft.closing || "",
    insights: (draft.insights || []).map((i) => ({ title: i.title || "", reflectionIds: i.reflectionIds || [] })),
  };
  composer.reflections = new Map(result.json.reflections.map((r) => [r.id, r]));
  [["summary-title", "title"], ["summary-opening", "opening"], ["summary-next", "nextSteps"], ["summary-closing", "closing"]].forEach(([id, field]) => {
    $(id).value = composer.draft[field];
  });
  $("save-state").textContent = result.json.saved ? t("saved") : "";
  renderInsights();
  renderIntentions();
  await loadPreview();
}

// A file of the API, saved. In a browser: fetched like every call, and saved from a blob. Inside
// Telegram a page can put no header on a link, and some clients block blob links: the page asks for
// a download link (one path, one minute, one use) and hands it to Telegram, to download (Bot API
// 8.0) or else to open in the browser. Resolves to null, or to the failed answer. (Telegram's
// download popup names the file by the route, report.xlsx; the browser by the server's name.)
async function download(path) {
  const webApp = initData && window.Telegram && window.Telegram.WebApp;
  if (webApp) {
    const result = await api("POST", "downloads", { path: "/app/api/" + path });
    if (result.status !== 200) return result;
    if (webApp.downloadFile && webApp.isVersionAtLeast && webApp.isVersionAtLeast("8.0")) {
      webApp.downloadFile({ url: result.json.url, file_name: path.split("?")[0].split("/").pop() });
    } else {
      webApp.openLink(result.json.url);
    }
    return null;
  }

  const headers = {};
  if (initData) headers.Authorization = "tma " + initData;
  const response = await fetch("api/" + path, { headers, credentials: "same-origin" });
  if (!response.ok) return { status: response.status, json: await response.json().catch(() => null) };

  const name = /filename="?([^";]+)"?/.exec(response.headers.get("Content-Disposition") || "");
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = name ? name[1] : path;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  return null;
}

async function downloadSummary(path) {
  if (composer.timer !== null) await saveDraft();
  const failed = await download(path);
  if (failed) $("save-state").textContent = failed.status === 404 ? t("noReflections") : t("failed");
}

function wireComposer() {
  [["summary-title", "title"], ["summary-opening", "opening"], ["summary-next", "nextSteps"], ["summary-closing", "closing"]].forEach(([id, field]) => {
    $(id).addEventListener("input", () => { composer.draft[field] = $(id).value; changed(false); });
  });
  $("add-insight").addEventListener("click", () => { composer.draft.insights.push({ title: "", reflectionIds: [] }); changed(true); });
  $("download-docx").addEventListener("click", () => downloadSummary("summary.docx"));
  $("download-md").addEventListener("click", () => downloadSummary("summary.md"));
  // A closing page still sends what was typed in the last moments.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden" && composer.timer !== null && composer.draft) saveDraft(true);
  });
}

// The organizer's dashboard: one group at a time, chosen in the switcher.
const MARKS = { o: "onTime", m: "madeUp", x: "missed", n: "noStudyDay" };
const SVG = "http://www.w3.org/2000/svg";

function groupPath(rest) {
  return `groups/${encodeURIComponent($("group").value)}/${rest}`;
}

async function loadGroups() {
  const result = await api("GET", "groups");
  if (result.status !== 200) return false;
  const select = $("group");
  select.replaceChildren(...result.json.groups.map((group) => new Option(group.name, String(group.id))));
  return true;
}

// The range chosen above the dashboard, for it and for its downloads.
function rangeQuery() {
  const query = new URLSearchParams();
  if ($("from").value) query.set("from", $("from").value);
  if ($("to").value) query.set("to", $("to").value);
  return query;
}

async function loadDashboard() {
  const result = await api("GET", groupPath("dashboard?" + rangeQuery()));
  if (result.status !== 200) {
    $("status").textContent = (result.json && result.json.error) || t("failed");
    return;
  }

  const dashboard = result.json;
  $("from").value = dashboard.from;
  $("to").value = dashboard.to;
  if (!$("wall-day").value) $("wall-day").value = dashboard.today;
  renderUnanswered(dashboard.unanswered);
  renderGrid(dashboard);
  renderChart(dashboard.completion);
  performance.mark("dashboard-rendered");
  await loadWall();
  await loadSettings();
}

function renderUnanswered(members) {
  $("unanswered-none").hidden = members.length > 0;
  $("nudge-all").hidden = !members.some((member) => !member.nudged);
  $("unanswered").replaceChildren(...members.map((member) => {
    const item = document.createElement("li");
    item.textContent = member.name + " ";
    if (member.nudged) {
      const mark = document.createElement("span");
      mark.className = "meta";
      mark.textContent = t("nudged");
      item.appendChild(mark);
    } else {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = t("nudge");
      button.addEventListener("click", () => nudge([member.id]));
      item.appendChild(button);
    }
    return item;
  }));
}

async function nudge(memberIds) {
  const result = await api("POST", groupPath("nudge"), memberIds ? { memberIds } : {});
  $("nudge-result").textContent = result.status === 200 ? t("nudgeDone", result.json.nudged) : (result.json && result.json.error) || t("failed");
  await loadDashboard();
}

function days(from, count) {
  const start = new Date(from + "T00:00:00Z");
  return Array.from({ length: count }, (_, i) => new Date(start.getTime() + i * 86400000).toISOString().slice(0, 10));
}

function renderGrid(dashboard) {
  const dates = days(dashboard.from, dashboard.completion.length);
  const head = document.createElement("tr");
  [t("member"), ...dates.map((date) => date.slice(5))].forEach((text) => {
    const cell = document.createElement("th");
    cell.textContent = text;
    head.appendChild(cell);
  });
  const rows = dashboard.members.map((member) => {
    const row = document.createElement("tr");
    const name = document.createElement("td");
    name.textContent = member.name;
    row.appendChild(name);
    Array.from(member.marks).forEach((letter, i) => {
      const cell = document.createElement("td");
      if (MARKS[letter]) {
        cell.className = letter;
        cell.title = `${dates[i]} ${t(MARKS[letter])}`;
      }
      row.appendChild(cell);
    });
    return row;
  });
  $("grid").replaceChildren(head, ...rows);
}

// Bars of the members due each day, the answered share filled; drawn here, no chart library.
function renderChart(completion) {
  const chart = $("chart");
  const barWidth = 14;
  const height = 120;
  const width = Math.max(completion.length * barWidth, 280);
  chart.setAttribute("viewBox", `0 0 ${width} ${height + 14}`);
  chart.setAttribute("width", String(width));
  chart.setAttribute("height", String(height + 14));
  const most = Math.max(1, ...completion.map((day) => day.due));
  const shapes = [];
  completion.forEach((day, i) => {
    const x = i * barWidth + 2;
    const title = document.createElementNS(SVG, "title");
    title.textContent = t("completionDay", day.date, day.answered, day.due);
    [["due", day.due], ["answered", day.answered]].forEach(([kind, count]) => {
      const bar = document.createElementNS(SVG, "rect");
      const barHeight = (count / most) * height;
      bar.setAttribute("class", kind);
      bar.setAttribute("x", String(x));
      bar.setAttribute("y", String(height - barHeight));
      bar.setAttribute("width", String(barWidth - 4));
      bar.setAttribute("height", String(barHeight));
      bar.appendChild(title.cloneNode(true));
      shapes.push(bar);
    });
    if (i % 7 === 0) {
      const label = document.createElementNS(SVG, "text");
      label.setAttribute("x", String(x));
      label.setAttribute("y", String(height + 12));
      label.textContent = day.date.slice(5);
      shapes.push(label);
    }
  });
  chart.replaceChildren(...shapes);
}

async function loadWall() {
  const result = await api("GET", groupPath("wall?day=" + encodeURIComponent($("wall-day").value)));
  if (result.status !== 200) {
    $("status").textContent = (result.json && result.json.error) || t("failed");
    return;
  }

  $("wall-none").hidden = result.json.entries.length > 0;
  $("wall").replaceChildren(...result.json.entries.map(renderWallEntry));
}

function renderWallEntry(entry) {
  const item = $("wall-entry").content.firstElementChild.cloneNode(true);
  item.querySelectorAll("[data-text]").forEach((el) => { el.textContent = t(el.dataset.text); });
  const marks = [entry.author];
  if (entry.kind === "photo") marks.push(t("photo"));
  if (entry.kind === "voice") marks.push(t("voice", `${Math.floor((entry.durationSeconds || 0) / 60)}:${String((entry.durationSeconds || 0) % 60).padStart(2, "0")}`));
  if (entry.featured) marks.push("★ " + t("featured"));
  item.querySelector(".meta").textContent = marks.join(" · ");
  item.querySelector(".text").textContent = entry.text;
  item.querySelector(".comments").replaceChildren(...entry.comments.map((comment) => {
    const li = document.createElement("li");
    li.textContent = t("comment", comment);
    return li;
  }));
  const feature = item.querySelector(".feature");
  feature.hidden = entry.featured;
  feature.addEventListener("click", async () => {
    const result = await api("POST", groupPath(`wall/${entry.id}/feature`), {});
    if (result.status !== 200) $("status").textContent = (result.json && result.json.error) || t("failed");
    await loadWall();
  });
  const area = item.querySelector("textarea");
  item.querySelector(".send").addEventListener("click", async () => {
    const result = await api("POST", groupPath(`wall/${entry.id}/comment`), { text: area.value });
    $("status").textContent = result.status === 204 ? t("commentSent") : (result.json && result.json.error) || t("failed");
    if (result.status === 204) await loadWall();
  });
  return item;
}

function showProblems(list, result) {
  const problems = (result.json && result.json.problems) || [];
  list.replaceChildren(...problems.map((problem) => el("li", "", problem)));
}

// Group settings: every /groupset key, sent back only where changed; a refusal changes nothing.
const settingsForm = { values: {} };
const CHOICES = { language: ["zh-CN", "en"], points: ["on", "off"], leaderboard: ["on", "off"], wall: ["on", "off"] };

async function loadSettings() {
  const result = await api("GET", groupPath("settings"));
  if (result.status !== 200) return;
  settingsForm.values = result.json.settings;
  const choices = { ...CHOICES, pack: result.json.packs };
  $("settings-fields").replaceChildren(...Object.entries(settingsForm.values).map(([key, value]) => {
    const label = el("label", "", undefined);
    label.appendChild(el("span", "", t("setting_" + key)));
    let input;
    if (choices[key]) {
      input = document.createElement("select");
      const options = choices[key].includes(value) ? choices[key] : [value, ...choices[key]];
      options.forEach((option) => input.add(new Option(option, option)));
    } else {
      input = document.createElement("input");
      if (key === "start" || key === "end") input.inputMode = "numeric";
    }
    input.value = value;
    input.dataset.key = key;
    label.appendChild(input);
    return label;
  }));
}

async function saveSettings() {
  const settings = {};
  $("settings-fields").querySelectorAll("[data-key]").forEach((input) => {
    if (input.value !== settingsForm.values[input.dataset.key]) settings[input.dataset.key] = input.value.trim();
  });
  $("settings-problems").replaceChildren();
  if (!Object.keys(settings).length) {
    $("settings-result").textContent = t("settingsUnchanged");
    return;
  }

  const result = await api("PUT", groupPath("settings"), { settings });
  if (result.status === 200) {
    $("settings-result").textContent = t("settingsSaved");
    const chosen = $("group").value;
    await loadGroups();
    $("group").value = chosen;
    await loadSettings();
  } else {
    $("settings-result").textContent = (result.json && result.json.error) || t("failed");
    showProblems($("settings-problems"), result);
  }
}

// Broadcast: preview (nothing sent), then send what was shown; the preview's id makes a second
// click or a retried request send nothing more. Progress is read until the broadcast is done.
const broadcast = { preview: null, polling: null };

async function previewBroadcast() {
  const result = await api("POST", groupPath("broadcasts/preview"), { text: $("broadcast-text").value });
  $("broadcast-progress").textContent = "";
  if (result.status !== 200) {
    $("broadcast-progress").textContent = (result.json && result.json.error) || t("failed");
    return;
  }

  broadcast.preview = result.json;
  const lines = [t("broadcastRecipients", result.json.recipients)];
  if (result.json.linkedChats) lines.push(t("broadcastAlsoChats", result.json.linkedChats));
  $("broadcast-recipients").textContent = lines.join(" ");
  $("broadcast-shown").textContent = result.json.text;
  $("broadcast-send").disabled = false;
  $("broadcast-preview").hidden = false;
}

function showBroadcastProgress(progress) {
  const done = progress.delivered + progress.blocked + progress.failed;
  $("broadcast-progress").textContent = progress.finished
    ? t("broadcastDone", progress.delivered, progress.blocked, progress.failed, progress.total)
    : t("broadcastSending", done, progress.total);
}

async function pollBroadcast(id) {
  clearTimeout(broadcast.polling);
  const result = await api("GET", groupPath(`broadcasts/${id}`));
  if (result.status !== 200) return;
  showBroadcastProgress(result.json);
  if (!result.json.finished) broadcast.polling = setTimeout(() => pollBroadcast(id), 1500);
}

async function sendBroadcast() {
  const preview = broadcast.preview;
  if (!preview) return;
  $("broadcast-send").disabled = true;
  const result = await api("POST", groupPath(`broadcasts/${preview.previewId}/confirm`), { text: preview.text });
  if (result.status !== 200) {
    $("broadcast-progress").textContent = (result.json && result.json.error) || t("failed");
    return;
  }

  $("broadcast-preview").hidden = true;
  $("broadcast-text").value = "";
  broadcast.preview = null;
  showBroadcastProgress(result.json.progress);
  if (!result.json.confirmedNow) $("broadcast-progress").textContent += " " + t("broadcastAgain");
  if (!result.json.progress.finished) broadcast.polling = setTimeout(() => pollBroadcast(result.json.progress.id), 1000);
}

// Pack upload: the file is checked and the result shown; Import sends the same file again, and
// the server checks it again before anything is written.
function packQuery(extra) {
  const query = new URLSearchParams({ name: $("pack-file").files[0].name });
  if ($("pack-language").value) query.set("language", $("pack-language").value);
  if ($("pack-start").value) query.set("start", $("pack-start").value);
  Object.entries(extra || {}).forEach(([key, value]) => query.set(key, value));
  return query;
}

async function sendPack(path) {
  const headers = { "Content-Type": "application/octet-stream" };
  if (initData) headers.Authorization = "tma " + initData;
  if (csrfToken) headers["X-CSRF-Token"] = csrfToken;
  const response = await fetch("api/" + groupPath(path), { method: "POST", headers, body: $("pack-file").files[0], credentials: "same-origin" });
  return { status: response.status, json: await response.json().catch(() => null) };
}

async function checkPack() {
  $("pack-import").hidden = true;
  $("pack-items").replaceChildren();
  $("pack-problems").replaceChildren();
  if (!$("pack-file").files.length) {
    $("pack-result").textContent = t("packChooseFile");
    return;
  }

  const result = await sendPack("packs/check?" + packQuery());
  if (result.status !== 200) {
    $("pack-result").textContent = (result.json && result.json.error) || t("failed");
    showProblems($("pack-problems"), result);
    return;
  }

  const pack = result.json;
  $("pack-result").textContent = t("packChecked", pack.pack, pack.language, pack.start, pack.items);
  $("pack-items").replaceChildren(...pack.firstItems.map((item) => {
    const li = el("li", "", undefined);
    li.appendChild(el("p", "meta", [item.date, item.theme].filter(Boolean).join(" · ")));
    li.appendChild(el("blockquote", "quote", `${item.quote} — ${item.source}`));
    li.appendChild(el("p", "text", item.prompt));
    return li;
  }));
  $("pack-import").hidden = false;
}

async function importPack() {
  $("pack-import").hidden = true;
  const result = await sendPack("packs?" + packQuery({ activate: $("pack-activate").checked ? "yes" : "no" }));
  $("pack-items").replaceChildren();
  $("pack-result").textContent = (result.json && (result.json.message || result.json.error)) || t("failed");
  showProblems($("pack-problems"), result);
  if (result.status === 200) await loadSettings();
}

function wireGroupAdmin() {
  $("settings").addEventListener("submit", (e) => { e.preventDefault(); saveSettings(); });
  $("broadcast").addEventListener("submit", (e) => { e.preventDefault(); previewBroadcast(); });
  $("broadcast-send").addEventListener("click", sendBroadcast);
  $("broadcast-discard").addEventListener("click", async () => {
    const preview = broadcast.preview;
    broadcast.preview = null;
    $("broadcast-preview").hidden = true;
    if (preview) await api("POST", groupPath(`broadcasts/${preview.previewId}/cancel`));
  });
  $("pack").addEventListener("submit", (e) => { e.preventDefault(); checkPack(); });
  $("pack-file").addEventListener("change", () => { $("pack-import").hidden = true; });
  $("pack-import").addEventListener("click", importPack);
  // A preview, a check or a progress shown is of the group it was made in.
  $("group").addEventListener("change", () => {
    clearTimeout(broadcast.polling);
    broadcast.preview = null;
    $("broadcast-preview").hidden = true;
    $("pack-import").hidden = true;
    ["broadcast-progress", "settings-result", "pack-result"].forEach((id) => { $(id).textContent = ""; });
    ["settings-problems", "pack-problems", "pack-items"].forEach((id) => $(id).replaceChildren());
  });
}

// The report of /report and the export of /exportall, for the group and range shown.
async function downloadFromDashboard(file) {
  $("download-result").textContent = "";
  const failed = await download(groupPath(file + "?" + rangeQuery()));
  if (failed) $("download-result").textContent = (failed.json && failed.json.error) || t("failed");
}

async function openDashboard() {
  showView("dashboard");
  if (!$("group").options.length && !(await loadGroups())) {
    $("status").textContent = t("failed");
    return;
  }
  await loadDashboard();
}

// A view loads what it shows when it is first opened.
async function openView(view) {
  if (view === "dashboard") {
    await openDashboard();
    return;
  }

  showView(view);
  if (view === "composer" && !composer.draft) await loadComposer();
  if (view === "journal" && !$("entries").hasChildNodes() && !$("count").textContent) await loadJournal();
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
  wireComposer();
  document.querySelectorAll("#views button").forEach((button) => button.addEventListener("click", () => openView(button.dataset.view)));
  $("range").addEventListener("submit", (e) => { e.preventDefault(); loadDashboard(); });
  $("group").addEventListener("change", () => { $("from").value = ""; $("to").value = ""; $("wall-day").value = ""; loadDashboard(); });
  $("nudge-all").addEventListener("click", () => nudge(null));
  $("download-report").addEventListener("click", () => downloadFromDashboard("report.xlsx"));
  $("download-export-xlsx").addEventListener("click", () => downloadFromDashboard("export.xlsx"));
  $("download-export-csv").addEventListener("click", () => downloadFromDashboard("export.csv"));
  $("wall-day").addEventListener("change", loadWall);
  wireGroupAdmin();
  $("signout").addEventListener("click", async () => {
    await api("DELETE", "session");
    location.reload();
  });
  await openView(linkedView === "dashboard" && result.json.organizes.length > 0 ? "dashboard" : "journal");
}

main();
