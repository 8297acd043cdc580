// A gateway in its own process, for the tests that kill it: options as JSON in argv[2].
import { startGateway, type GatewayOptions } from '../../src/exchange/gateway/server.ts';

const options = JSON.parse(process.argv[2]!) as GatewayOptions;
const running = await startGateway(options);
process.stdout.write(`ready ${running.clientUrl}\n`);
