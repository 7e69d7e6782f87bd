"""The dashboard's look: one ``<style>`` block, every rule scoped under ``.st-app``.

Palette: slate neutrals, an indigo accent, green/amber/red only for status.
"""

from __future__ import annotations

import ipywidgets as widgets

ACCENT = "#4f46e5"

CSS = r"""
<style>
.st-app{--st-accent:#4f46e5;--st-accent-dark:#4338ca;--st-accent-soft:#eef2ff;--st-ink:#0f172a;--st-text:#1e293b;
  --st-muted:#64748b;--st-line:#e2e8f0;--st-bg:#f5f7fb;--st-card:#ffffff;--st-ok:#15803d;--st-ok-soft:#dcfce7;
  --st-warn:#b45309;--st-warn-soft:#fef3c7;--st-bad:#b91c1c;--st-bad-soft:#fee2e2;--st-radius:12px;
  font-family:Inter,-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
  color:var(--st-text);background:var(--st-bg);border-radius:14px;overflow:hidden;
  border:1px solid var(--st-line);font-size:14px;line-height:1.45;}
.st-app *{box-sizing:border-box;}
.st-app .widget-html-content{font-family:inherit;font-size:inherit;line-height:inherit;color:inherit;}
.st-app .widget-html,.st-app .widget-label{color:var(--st-text);}
.st-app .widget-html{margin:0;}
/* ---------- header ---------- */
.st-app .st-header{background:var(--st-ink);color:#fff;padding:14px 24px;align-items:center;justify-content:space-between;}
.st-app .st-header .widget-html-content{color:#fff;}
.st-app .st-brand{display:flex;align-items:center;gap:12px;}
.st-app .st-logo{width:34px;height:34px;border-radius:9px;background:linear-gradient(135deg,#6366f1,#22d3ee);
  display:flex;align-items:center;justify-content:center;font-weight:800;color:#fff;font-size:17px;}
.st-app .st-brand-name{font-size:18px;font-weight:700;letter-spacing:.2px;}
.st-app .st-brand-tag{font-size:12.5px;color:#94a3b8;margin-top:1px;}
.st-app .st-chips{display:flex;gap:8px;flex-wrap:wrap;justify-content:flex-end;}
.st-app .st-chip{display:inline-flex;align-items:center;gap:6px;padding:3px 10px;border-radius:999px;font-size:12px;
  background:rgba(148,163,184,.16);color:#e2e8f0;white-space:nowrap;}
.st-app .st-dot{width:7px;height:7px;border-radius:50%;background:#94a3b8;display:inline-block;}
.st-app .st-dot.on{background:#4ade80;}
.st-app .st-dot.off{background:#fbbf24;}
/* ---------- sidebar ---------- */
.st-app .st-body{align-items:stretch;min-height:640px;}
.st-app .st-sidebar{background:#fff;border-right:1px solid var(--st-line);padding:18px 12px;gap:4px;flex:0 0 220px;}
.st-app .st-nav-title{font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.08em;color:var(--st-muted);
  padding:4px 12px 8px;}
.st-app .st-nav.jupyter-button{width:100%;height:40px;text-align:left;justify-content:flex-start;background:transparent;
  color:#334155;border-radius:9px;font-size:14px;font-weight:500;padding:0 12px;box-shadow:none;margin:0;border:none;}
.st-app .st-nav.jupyter-button:focus{outline:none;}
.st-app .st-nav.jupyter-button:hover{background:#f1f5f9;}
.st-app .st-nav.jupyter-button i{width:20px;margin-right:8px;color:#94a3b8;}
.st-app .st-nav.st-active.jupyter-button{background:var(--st-accent-soft);color:var(--st-accent-dark);font-weight:600;}
.st-app .st-nav.st-active.jupyter-button i{color:var(--st-accent);}
.st-app .st-side-foot,.st-app .widget-html.st-side-foot{margin-top:auto;font-size:12px;color:var(--st-muted);padding:12px;border-top:1px solid var(--st-line);}
/* ---------- content ---------- */
.st-app .st-content{flex:1 1 auto;padding:22px 26px 30px;min-width:0;}
.st-app .st-page{gap:16px;min-width:0;}
.st-app .st-banner .st-notice{margin-bottom:14px;}
.st-app .st-page-head{justify-content:space-between;align-items:flex-end;gap:16px;flex-wrap:wrap;}
.st-app .st-page-head > .widget-html{flex:1 1 360px;}
.st-app .st-page-title{font-size:21px;font-weight:700;color:var(--st-ink);}
.st-app .st-page-sub{color:var(--st-muted);margin-top:2px;}
.st-app .st-card{background:var(--st-card);border:1px solid var(--st-line);border-radius:var(--st-radius);
  padding:18px 20px;box-shadow:0 1px 2px rgba(15,23,42,.04),0 4px 14px rgba(15,23,42,.035);gap:12px;min-width:0;overflow:visible;}
.st-app .st-card-title{font-size:15px;font-weight:650;color:var(--st-ink);}
.st-app .st-card-sub{font-size:12.5px;color:var(--st-muted);margin-top:2px;}
.st-app .st-row{gap:14px;align-items:flex-end;flex-wrap:wrap;}
.st-app .st-cols{gap:20px;align-items:stretch;flex-wrap:wrap;}
.st-app .st-col{flex:1 1 320px;gap:8px;min-width:0;}
.st-app .st-field{gap:4px;min-width:0;}
.st-app .st-label{font-size:12.5px;font-weight:600;color:#334155;}
.st-app .st-help{font-size:12px;color:var(--st-muted);}
/* ---------- inputs ---------- */
.st-app input[type=text],.st-app input[type=password],.st-app input[type=number],.st-app textarea,.st-app select{
  border:1px solid #cbd5e1 !important;border-radius:8px !important;background:#fff !important;color:var(--st-text) !important;
  font-family:inherit;font-size:13.5px !important;padding:7px 10px !important;box-shadow:none !important;}
.st-app input:focus,.st-app textarea:focus,.st-app select:focus{outline:none;border-color:var(--st-accent) !important;
  box-shadow:0 0 0 3px rgba(79,70,229,.15) !important;}
.st-app input[type=text],.st-app input[type=password],.st-app input[type=number],.st-app select{height:36px !important;}
.st-app .widget-inline-hbox,.st-app .widget-inline-vbox,.st-app .jupyter-button,.st-app .widget-image{margin:0;}
.st-app .widget-html{margin:0;width:auto;}
.st-app .st-code textarea{font-family:"JetBrains Mono",SFMono-Regular,Menlo,Consolas,monospace !important;font-size:12.5px !important;
  line-height:1.5;background:#f8fafc !important;}
.st-app .widget-slider .ui-slider .ui-slider-range{background:var(--st-accent);}
.st-app .widget-slider .ui-slider .ui-slider-handle{border-color:var(--st-accent);}
.st-app .widget-readout{font-size:13px;color:var(--st-text);}
.st-app .widget-text,.st-app .widget-password,.st-app .widget-dropdown,.st-app .widget-textarea{height:auto;}
/* ---------- buttons ---------- */
.st-app .jupyter-button{border-radius:8px;font-family:inherit;font-size:13.5px;font-weight:550;height:36px;padding:0 14px;
  background:#fff;color:#334155;border:1px solid #cbd5e1;box-shadow:none;}
.st-app .jupyter-button:hover:enabled{background:#f8fafc;border-color:#94a3b8;box-shadow:none;}
.st-app .jupyter-button.st-primary{background:var(--st-accent);border-color:var(--st-accent);color:#fff;}
.st-app .jupyter-button.st-primary:hover:enabled{background:var(--st-accent-dark);border-color:var(--st-accent-dark);}
.st-app .jupyter-button.st-big{height:42px;padding:0 22px;font-size:14.5px;}
.st-app .jupyter-button.st-ghost{background:transparent;border-color:transparent;color:var(--st-accent-dark);}
.st-app .jupyter-button.st-ghost:hover:enabled{background:var(--st-accent-soft);border-color:transparent;}
.st-app .jupyter-button:disabled{opacity:.55;cursor:not-allowed;}
.st-app .widget-upload.jupyter-button{background:var(--st-accent-soft);color:var(--st-accent-dark);border:1px dashed #a5b4fc;}
.st-app .widget-upload.jupyter-button:hover:enabled{background:#e0e7ff;}
.st-app .st-mode .widget-toggle-button{height:30px;font-size:12.5px;margin:0 0 0 -1px;border-radius:0;}
.st-app .st-mode .widget-toggle-button:first-child{border-radius:8px 0 0 8px;}
.st-app .st-mode .widget-toggle-button:last-child{border-radius:0 8px 8px 0;}
.st-app .st-mode .widget-toggle-button.mod-active{background:var(--st-accent-soft);color:var(--st-accent-dark);border-color:#a5b4fc;
  box-shadow:none;z-index:1;}
/* ---------- progress ---------- */
.st-app .st-progress{width:100%;}
.st-app .st-progress .progress{height:8px !important;border-radius:999px;background:#e2e8f0;overflow:hidden;}
.st-app .st-progress .progress-bar{background:linear-gradient(90deg,#6366f1,#22d3ee) !important;border-radius:999px;}
.st-app .widget-progress{height:auto;}
/* ---------- notices & badges ---------- */
.st-app .st-notice{border-radius:10px;padding:10px 14px;font-size:13.5px;border:1px solid;display:flex;gap:10px;align-items:flex-start;}
.st-app .st-notice .st-ico{font-weight:700;}
.st-app .st-notice.info{background:#eff6ff;border-color:#bfdbfe;color:#1e3a8a;}
.st-app .st-notice.success{background:#f0fdf4;border-color:#bbf7d0;color:#14532d;}
.st-app .st-notice.warning{background:#fffbeb;border-color:#fde68a;color:#78350f;}
.st-app .st-notice.error{background:#fef2f2;border-color:#fecaca;color:#7f1d1d;}
.st-app .st-notice ul{margin:4px 0 0 16px;padding:0;}
.st-app .st-badge{display:inline-flex;align-items:center;gap:4px;padding:2px 9px;border-radius:999px;font-size:12px;font-weight:600;white-space:nowrap;}
.st-app .st-badge.ok{background:var(--st-ok-soft);color:var(--st-ok);}
.st-app .st-badge.bad{background:var(--st-bad-soft);color:var(--st-bad);}
.st-app .st-badge.warn{background:var(--st-warn-soft);color:var(--st-warn);}
.st-app .st-badge.neutral{background:#f1f5f9;color:#475569;}
.st-app .st-status{font-size:13px;color:var(--st-muted);}
.st-app .st-muted{color:var(--st-muted);}
.st-app code{font-family:"JetBrains Mono",SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;background:#f1f5f9;
  padding:1px 5px;border-radius:5px;color:#0f172a;}
/* ---------- summary & stats ---------- */
.st-app .st-summary{display:flex;align-items:center;gap:14px;flex-wrap:wrap;}
.st-app .st-summary-name{font-size:17px;font-weight:700;color:var(--st-ink);}
.st-app .st-stats{display:flex;gap:10px;flex-wrap:wrap;}
.st-app .st-stat{background:#f8fafc;border:1px solid var(--st-line);border-radius:10px;padding:8px 14px;min-width:110px;}
.st-app .st-stat b{display:block;font-size:17px;color:var(--st-ink);}
.st-app .st-stat span{font-size:11.5px;color:var(--st-muted);text-transform:uppercase;letter-spacing:.05em;}
/* ---------- downloads ---------- */
.st-app .st-downloads{display:flex;gap:8px;flex-wrap:wrap;align-items:center;}
.st-app a.st-dl{display:inline-flex;align-items:center;gap:6px;padding:6px 12px;border-radius:8px;border:1px solid #c7d2fe;
  background:#fff;color:var(--st-accent-dark);text-decoration:none;font-size:13px;font-weight:550;}
.st-app a.st-dl:hover{background:var(--st-accent-soft);}
.st-app a.st-dl.main{background:var(--st-accent);color:#fff;border-color:var(--st-accent);}
.st-app a.st-dl.main:hover{background:var(--st-accent-dark);}
.st-app a.st-dl small{color:inherit;opacity:.7;font-weight:400;}
/* ---------- tables ---------- */
.st-app .st-table-wrap{overflow:auto;max-height:380px;border:1px solid var(--st-line);border-radius:10px;background:#fff;}
.st-app table.stj-df{border-collapse:separate;border-spacing:0;margin:0;font-size:12.5px;width:max-content;min-width:100%;}
.st-app table.stj-df th{position:sticky;top:0;background:#f8fafc;text-align:left;padding:8px 12px;color:#334155;font-weight:600;
  border-bottom:1px solid var(--st-line);white-space:nowrap;z-index:1;}
.st-app table.stj-df td{padding:6px 12px;border-bottom:1px solid #f1f5f9;max-width:260px;overflow:hidden;text-overflow:ellipsis;
  white-space:nowrap;color:#1e293b;}
.st-app table.stj-df tr:nth-child(even) td{background:#fcfdfe;}
.st-app table.stj-df tr:hover td{background:#f5f7ff;}
.st-app .stj-null{color:#94a3b8 !important;font-style:italic;}
.st-app .stj-note,.st-app .st-note{color:var(--st-muted);font-size:12px;margin:6px 2px 0;}
/* ---------- tabs ---------- */
.st-app .widget-tab > .lm-TabBar,.st-app .jupyter-widget-tab > .lm-TabBar{border-bottom:1px solid var(--st-line);}
.st-app .lm-TabBar-tab{background:transparent !important;border:none !important;border-bottom:2px solid transparent !important;
  color:var(--st-muted) !important;font-size:13.5px;font-weight:550;padding:0 14px !important;min-width:0 !important;
  flex:0 0 auto !important;margin:0 2px 0 0 !important;}
.st-app .lm-TabBar-tab.lm-mod-current{color:var(--st-accent-dark) !important;border-bottom:2px solid var(--st-accent) !important;}
.st-app .lm-TabBar-tab.lm-mod-current:before{display:none;}
.st-app .widget-tab-contents,.st-app .jupyter-widget-tab > .widget-tab-contents{border:none !important;padding:14px 0 0 !important;
  background:transparent;box-shadow:none;}
.st-app .lm-TabBar-tabLabel{overflow:visible;}
/* ---------- table panel (modify) ---------- */
.st-app .st-modify{background:#f8fafc;border:1px solid var(--st-line);border-radius:10px;padding:12px 14px;gap:8px;}
.st-app .st-history table{border-collapse:collapse;font-size:12.5px;width:100%;}
.st-app .st-history td,.st-app .st-history th{padding:5px 8px;border-bottom:1px solid var(--st-line);text-align:left;}
/* ---------- chat ---------- */
.st-app .st-chat{gap:14px;padding:4px 2px;max-height:none;}
.st-app .st-msg{max-width:100%;}
.st-app .st-msg-user{align-self:flex-end;max-width:72%;}
.st-app .st-bubble-user{background:var(--st-accent);color:#fff;padding:10px 14px;border-radius:16px 16px 4px 16px;
  box-shadow:0 1px 2px rgba(15,23,42,.08);white-space:pre-wrap;word-wrap:break-word;}
.st-app .st-msg-bot{align-self:flex-start;width:100%;}
.st-app .st-bubble-bot{background:#fff;border:1px solid var(--st-line);border-radius:16px 16px 16px 4px;padding:14px 16px;gap:10px;
  box-shadow:0 1px 2px rgba(15,23,42,.04);width:100%;}
.st-app .st-who{font-size:11.5px;font-weight:700;color:var(--st-muted);text-transform:uppercase;letter-spacing:.06em;margin-bottom:2px;}
.st-app .st-answer{line-height:1.55;}
.st-app .st-answer p{margin:0 0 8px;}
.st-app .st-answer p:last-child{margin-bottom:0;}
.st-app .st-answer ul,.st-app .st-answer ol{margin:4px 0 8px 20px;padding:0;}
.st-app .st-answer table{border-collapse:collapse;margin:6px 0;}
.st-app .st-answer td,.st-app .st-answer th{border:1px solid var(--st-line);padding:3px 8px;}
.st-app .st-cursor{display:inline-block;width:8px;height:15px;background:var(--st-accent);margin-left:2px;vertical-align:-2px;
  animation:st-blink 1s steps(2,start) infinite;}
@keyframes st-blink{to{visibility:hidden;}}
.st-app .st-thinking{color:var(--st-muted);font-size:13px;display:flex;align-items:center;gap:8px;}
.st-app .st-spinner{width:12px;height:12px;border:2px solid #c7d2fe;border-top-color:var(--st-accent);border-radius:50%;
  display:inline-block;animation:st-spin .8s linear infinite;}
@keyframes st-spin{to{transform:rotate(360deg);}}
.st-app .st-section-label{font-size:11.5px;font-weight:700;color:var(--st-muted);text-transform:uppercase;letter-spacing:.06em;}
.st-app .st-sql textarea{background:#0f172a !important;color:#e2e8f0 !important;border-color:#0f172a !important;
  font-family:"JetBrains Mono",SFMono-Regular,Menlo,Consolas,monospace !important;font-size:12.5px !important;line-height:1.5;}
.st-app .st-sql-box{gap:8px;}
.st-app .st-chart{max-width:100%;border:1px solid var(--st-line);border-radius:10px;background:#fff;}
.st-app .st-refusal{border-left:4px solid var(--st-bad);background:#fef2f2;color:#7f1d1d;padding:10px 14px;border-radius:8px;}
.st-app .st-empty{text-align:center;padding:28px 12px;color:var(--st-muted);}
.st-app .st-empty-title{font-size:16px;font-weight:650;color:var(--st-ink);margin-bottom:4px;}
.st-app .st-suggest.jupyter-button{border-radius:999px;height:32px;font-size:12.5px;font-weight:500;background:#fff;
  color:#3730a3;border:1px solid #c7d2fe;}
.st-app .st-suggest.jupyter-button:hover:enabled{background:var(--st-accent-soft);}
.st-app .st-composer{background:#fff;border:1px solid var(--st-line);border-radius:14px;padding:10px;gap:10px;align-items:flex-end;
  box-shadow:0 4px 14px rgba(15,23,42,.05);}
.st-app .st-composer .jupyter-button{flex:0 0 auto;min-width:104px;}
.st-app .st-composer textarea{border:none !important;box-shadow:none !important;resize:none;}
.st-app .st-toolbar{gap:10px;align-items:flex-end;flex-wrap:wrap;}
</style>
"""


def style_widget() -> widgets.HTML:
    """The ``<style>`` block as a (zero-height) HTML widget: put it first in the app."""
    w = widgets.HTML(CSS, layout=widgets.Layout(height="0px", margin="0", padding="0", overflow="hidden"))
    w.add_class("st-style")
    return w
