// `npm run ferretdb:build`: builds (or finds) the embedded database binary and prints where it is.
import { loadConfig } from '../config';
import { ensureFerretdbBinary } from './ferretdb-binary';

const config = loadConfig(process.env);
ensureFerretdbBinary({ cacheDir: config.ferretdb.cacheDir, override: config.ferretdb.binary })
  .then((binary) => console.log(`FerretDB ready: ${binary}`))
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
