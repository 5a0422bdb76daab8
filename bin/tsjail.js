#!/usr/bin/env node
import { run } from '../dist/main.js';

// argv[1]: the path tsjail was started as; a launcher link's name is the
// program's (tsjail --setup-desktop).
run(process.argv.slice(2), process.argv[1]);
