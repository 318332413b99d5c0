// Live dashboard: polls /api/dashboard every second and redraws plain canvas charts.
// Each canvas records how many points it drew in data-points (read by the browser test).
'use strict';

const COLORS = ['#4fa3e0', '#f0a04b', '#6cc070', '#d66'];

function drawLines(id, series, format) {
  const canvas = document.getElementById(id);
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, pad = 36;
  ctx.clearRect(0, 0, w, h);
  const all = series.flat();
  const max = Math.max(1e-9, ...all);
  ctx.strokeStyle = '#2a3a4c'; ctx.fillStyle = '#8b98a5'; ctx.font = '11px sans-serif';
  for (let i = 0; i <= 4; i++) {
    const y = pad / 2 + (h - pad) * i / 4;
    ctx.beginPath(); ctx.moveTo(pad, y); ctx.lineTo(w - 4, y); ctx.stroke();
    ctx.fillText(format(max * (4 - i) / 4), 2, y + 4);
  }
  let points = 0;
  series.forEach((values, s) => {
    if (values.length === 0) return;
    ctx.strokeStyle = COLORS[s % COLORS.length]; ctx.lineWidth = 2; ctx.beginPath();
    values.forEach((v, i) => {
      const x = pad + (w - pad - 4) * (values.length === 1 ? 1 : i / (values.length - 1));
      const y = pad / 2 + (h - pad) * (1 - v / max);
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      points++;
    });
    ctx.stroke();
  });
  canvas.dataset.points = String(points);
}

function drawMinutes(id, minutes) {
  const canvas = document.getElementById(id);
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, pad = 36;
  ctx.clearRect(0, 0, w, h);
  const max = Math.max(1, ...minutes.map(m => m.keystrokes + m.clicks));
  const bw = Math.max(2, (w - pad) / 60 - 2);
  ctx.fillStyle = '#8b98a5'; ctx.font = '11px sans-serif';
  ctx.fillText(String(max), 2, 14); ctx.fillText('0', 2, h - 4);
  minutes.slice(-60).forEach((m, i) => {
    const x = pad + i * (bw + 2);
    const kh = (h - pad) * m.keystrokes / max, ch = (h - pad) * m.clicks / max;
    ctx.fillStyle = COLORS[0]; ctx.fillRect(x, h - 4 - kh, bw, kh);
    ctx.fillStyle = COLORS[1]; ctx.fillRect(x, h - 4 - kh - ch, bw, ch);
    const ay = h - 4 - (h - pad) * (m.activeMs / 60000);
    ctx.fillStyle = COLORS[2]; ctx.fillRect(x, ay, bw, 2);
  });
  canvas.dataset.points = String(Math.min(60, minutes.length));
}

function mb(bytes) { return (bytes / 1048576).toFixed(1) + ' MB'; }

async function refresh() {
  try {
    const res = await fetch('/api/dashboard', { cache: 'no-store' });
    const data = await res.json();
    const s = data.samples;
    const last = s.length ? s[s.length - 1] : null;
    if (last) {
      document.getElementById('eps').textContent = last.eventsPerSecond.toFixed(0);
      const windows = s.filter(x => x.eventsPerWindow > 0);
      document.getElementById('epw').textContent =
        windows.length ? windows[windows.length - 1].eventsPerWindow.toFixed(0) : '–';
      document.getElementById('shots').textContent = last.screenshotsInMemory + ' / ' + last.screenshotsOnDisk;
      document.getElementById('db').textContent = mb(last.dbBytes);
      const writes = s.filter(x => x.writeLatencyMs > 0);
      document.getElementById('wl').textContent =
        writes.length ? writes[writes.length - 1].writeLatencyMs.toFixed(1) + ' ms' : '–';
    }
    if (data.replication) {
      // Shown only when [postgres] replication is on: lag, and the last error while backing off.
      const r = data.replication;
      document.getElementById('repl-figure').hidden = false;
      const repl = document.getElementById('repl');
      repl.textContent = r.state === 'caught-up' ? 'caught up'
        : r.state + ', ' + (r.lagSeconds || 0).toFixed(1) + ' s / ' + (r.lagEvents || 0) + ' events behind';
      repl.title = r.lastError || '';
    }
    drawLines('chart-eps', [s.map(x => x.eventsPerSecond)], v => v.toFixed(0));
    drawLines('chart-wl', [s.map(x => x.writeLatencyMs)], v => v.toFixed(1));
    drawLines('chart-shots', [s.map(x => x.screenshotsInMemory), s.map(x => x.screenshotsOnDisk)], v => v.toFixed(0));
    drawLines('chart-db', [s.map(x => x.dbBytes / 1048576)], v => v.toFixed(1));
    drawMinutes('chart-minutes', data.minutes);
    const ready = document.getElementById('ready');
    ready.textContent = data.ready.status === 'READY' ? 'ready' : 'not ready: ' + data.ready.failing.join(', ');
    ready.className = 'badge ' + (data.ready.status === 'READY' ? 'ok' : 'bad');
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById('updated').textContent = 'cannot reach the module: ' + e;
  }
}

refresh();
setInterval(refresh, 1000);
