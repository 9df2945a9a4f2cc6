/** The playground page's stylesheet, served as `/playground.css` (the page's policy allows no inline style). */
export const playgroundStyle = `
body{font:15px system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem;background:#15161a;color:#e8e8ea}
.banner{background:#3b3212;padding:.6rem .8rem;border-radius:6px}code{background:#2a2b31;padding:0 .3rem;border-radius:4px}
form{display:flex;gap:.5rem;margin:1rem 0;position:sticky;bottom:0;background:#15161a;padding:.5rem 0}
input[type=text],input[type=password]{flex:1;padding:.6rem;border-radius:6px;border:1px solid #444;background:#1f2026;color:inherit}
button{padding:.45rem .8rem;border-radius:6px;border:0;background:#5865f2;color:white;cursor:pointer}
button.quiet{background:#2f3136}.turn{border-left:3px solid #5865f2;padding:.4rem .8rem;margin:1rem 0}
.outputs{display:flex;flex-wrap:wrap;gap:.5rem}.output{max-width:100%}.output img{max-width:100%;max-height:420px;border-radius:6px;display:block;cursor:pointer}
.output.picked img{outline:3px solid #f2c94c}.meta{color:#9aa0a6;font-size:13px;margin:.2rem 0}.error{color:#ff8a80}
[hidden]{display:none!important}
`;
