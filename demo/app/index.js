'use strict';

/*
 * Demo application for strata's acceptance images. It makes the image's
 * /app layer look like a real Node.js service. What matters in that layer is
 * node_modules, which contains deliberately old dependency versions (see
 * package.json). The image has no Node.js runtime, so nothing runs this file.
 */
const express = require('express');
const moment = require('moment');

const app = express();
const port = Number(process.env.PORT || 3000);

app.get('/', (req, res) => {
	res.json({ service: 'strata-demo-app', time: moment().toISOString() });
});

app.listen(port, () => {
	console.log(`strata-demo-app listening on port ${port}`);
});
