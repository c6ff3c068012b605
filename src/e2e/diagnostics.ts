/** What to collect from the cluster when a step fails: `kubectl` argv per output file. */
import { CNPG_DEPLOYMENT, CNPG_NAMESPACE } from './cnpg.js';

export interface Collect {
  file: string;
  args: string[];
}

export function diagnosticCommands(): Collect[] {
  return [
    {
      file: 'resources.txt',
      args: [
        'get',
        'all,clusters.postgresql.cnpg.io,databases.postgresql.cnpg.io',
        '--all-namespaces',
        '-o',
        'wide',
      ],
    },
    { file: 'clusters.txt', args: ['describe', 'clusters.postgresql.cnpg.io', '--all-namespaces'] },
    { file: 'databases.txt', args: ['describe', 'databases.postgresql.cnpg.io', '--all-namespaces'] },
    { file: 'pods.txt', args: ['describe', 'pods', '--all-namespaces'] },
    { file: 'events.txt', args: ['get', 'events', '--all-namespaces', '--sort-by=.lastTimestamp'] },
    {
      file: 'operator.log',
      args: ['logs', '-n', CNPG_NAMESPACE, `deployment/${CNPG_DEPLOYMENT}`, '--all-containers'],
    },
  ];
}

/** Lists the PostgreSQL instance pods as `<namespace> <name>` lines. */
export const INSTANCE_PODS = [
  'get',
  'pods',
  '--all-namespaces',
  '-l',
  'cnpg.io/podRole=instance',
  '-o',
  'jsonpath={range .items[*]}{.metadata.namespace}{" "}{.metadata.name}{"\\n"}{end}',
];

export function instanceLogCommand(namespace: string, pod: string): Collect {
  return {
    file: `instance-${namespace}-${pod}.log`,
    args: ['logs', '-n', namespace, pod, '--all-containers'],
  };
}
