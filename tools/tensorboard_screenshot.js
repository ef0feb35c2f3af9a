// Screenshots a TensorBoard served on 127.0.0.1:6006 with headless Debian chromium (the images in
// docs/tensorboard.md), with outlier clipping off (a setting the page keeps in its localStorage, which a
// bare `chromium --screenshot` cannot set) and, in the default URL, smoothing 0 (a setting in the URL).
// Run from a scratch directory: npm install puppeteer-core && node tools/tensorboard_screenshot.js OUT.png [URL]
const puppeteer = require('puppeteer-core');

(async () => {
  const out = process.argv[2];
  const url = process.argv[3] || 'http://127.0.0.1:6006/#scalars&_smoothingWeight=0';
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--window-size=1400,900'],
    defaultViewport: {width: 1400, height: 900},
  });
  const page = await browser.newPage();
  await page.goto(url, {waitUntil: 'networkidle0'});
  await page.evaluate(() => {
    localStorage.setItem('_ignoreYOutliers', 'false');
  });
  await page.reload({waitUntil: 'networkidle0'});
  await new Promise(resolve => setTimeout(resolve, 4000));
  await page.screenshot({path: out});
  await browser.close();
})();
