/** Table test of the protocol Istio gives a Kubernetes Service port (kube.ConvertProtocol, pkg/config/kube/conversion.go). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceProtocol } from './service-protocol';

test('a Service port protocol comes from appProtocol, else the name prefix, as kube.ConvertProtocol selects it', () => {
  const cases: [Parameters<typeof serviceProtocol>[0], string][] = [
    // `protocol: TCP` says nothing about the application protocol: Istio detects it.
    [{ port: 443, protocol: 'TCP' }, ''],
    [{ port: 443, name: 'https', protocol: 'TCP' }, 'HTTPS'],
    [{ port: 80, name: 'http-web' }, 'HTTP'],
    [{ port: 80, name: 'HTTP2-api' }, 'HTTP2'],
    [{ port: 8080, name: 'grpc-web-ui' }, 'GRPC-WEB'],
    [{ port: 443, name: 'tls-passthrough' }, 'TLS'],
    [{ port: 8080, name: 'web' }, ''],
    // appProtocol wins over the name, including the Kubernetes standard names.
    [{ port: 443, name: 'http', appProtocol: 'https' }, 'HTTPS'],
    [{ port: 80, name: 'web', appProtocol: 'kubernetes.io/h2c' }, 'HTTP2'],
    [{ port: 80, appProtocol: 'kubernetes.io/ws' }, 'HTTP'],
    [{ port: 443, appProtocol: 'kubernetes.io/wss' }, 'HTTPS'],
    // UDP is UDP whatever the name; well-known ports default to TCP.
    [{ port: 53, name: 'http', protocol: 'UDP' }, 'UDP'],
    [{ port: 3306 }, 'TCP'],
    [{ port: 27017, name: 'db' }, 'TCP'],
  ];
  for (const [port, expected] of cases) assert.equal(serviceProtocol(port), expected, JSON.stringify(port));
});
