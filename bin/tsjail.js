#!/usr/bin/env node
import { run } from '../dist/main.js';

// The native front end (native/front.c) starts this script when it has no
// stored plan to use: TSJAIL_INVOKED_AS is the name it was started as (a
// launcher link's is the program's, tsjail --setup-desktop), TSJAIL_FRONT
// what it found. Neither reaches anything tsjail starts.
const env = process.env;
const invokedAs = env.TSJAIL_INVOKED_AS ?? process.argv[1];
const front = env.TSJAIL_FRONT ?? null;
delete env.TSJAIL_INVOKED_AS;
delete env.TSJAIL_FRONT;
await run(process.argv.slice(2), invokedAs, front);
