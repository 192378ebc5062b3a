/**
 * The badge's look. Sizes in em so the badge grows with the page's zoom; every status has its own
 * icon and words, so colour is never the only signal. Name-only hits are outlined (疑似), never the
 * solid badge of a code hit. A long table carries thousands of badges and lays them all out at
 * once, so the badge is as light as a box can be: an inline host around one inline span holding
 * one text node, in the page's own font a little smaller. Inline-block, inline-flex,
 * content-visibility and a font of the badge's own each made that layout slower: 10,000 badges
 * took 1.67 s to lay out instead of 2.28 s without the first three, 0.65–0.83 s instead of
 * 1.06–1.37 s without the font. The card, made only when opened, keeps a UI font.
 */
export const BADGE_CSS = `
:host{all:initial;display:inline;margin:0 .2em;font:inherit;font-size:.85em;cursor:pointer;outline:none}
.b{padding:0 .4em;border:1px solid transparent;border-radius:.3em;white-space:nowrap;font-weight:600}
:host(:focus-visible) .b,:host(:focus) .b{outline:2px solid #1a5fd0;outline-offset:1px}
.s-black{background:#111;color:#fff;border-color:#111}
.s-red{background:#b3001b;color:#fff;border-color:#b3001b}
.s-suspended{background:#fff7e0;color:#6b4b00;border:1px dashed #6b4b00}
.s-expired{background:#f1f1f1;color:#555;border-color:#999}
.s-clean{background:transparent;color:#1e6b34;border-color:#9cc7a8;font-weight:400}
.s-invalid{background:#fff1d6;color:#8a3b00;border:1px dashed #8a3b00}
.s-related{background:#fff;color:#333;border:1px solid #333}
.s-unknown{background:#f6f6f6;color:#555;border:1px dotted #777;font-weight:400}
.m-name{background:#fff;border-width:2px;border-style:dashed}
.m-name.s-black{color:#111;border-color:#111}
.m-name.s-red{color:#b3001b;border-color:#b3001b}
.card{font:12px/1.35 system-ui,"Microsoft YaHei","PingFang SC",sans-serif;position:fixed;z-index:2147483647;min-width:18em;max-width:min(32em,90vw);max-height:70vh;overflow:auto;background:#fff;color:#222;border:1px solid #888;border-radius:.4em;box-shadow:0 .2em .8em rgba(0,0,0,.25);padding:.6em .8em;font-weight:400;white-space:normal;cursor:auto;text-align:left}
.card[hidden]{display:none}
.card h2{font-size:1.1em;margin:0 0 .3em}
.card .sub{color:#555;margin:0 0 .4em;word-break:break-all}
.card dl{margin:.3em 0;display:grid;grid-template-columns:max-content 1fr;gap:.1em .6em}
.card dt{color:#555}
.card dd{margin:0}
.card ul{margin:.2em 0 .4em;padding-left:1.2em}
.card .entry{border-top:1px solid #ddd;padding-top:.3em;margin-top:.3em}
.card .note{color:#6b4b00;margin:.3em 0}
.card button{font:inherit;padding:.15em .6em;margin-right:.4em;cursor:pointer}
.card a{color:#1a4fa0}
.card code{font-family:ui-monospace,Consolas,monospace;user-select:all}
`;
