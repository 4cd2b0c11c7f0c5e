import { bundleFileName, type ServiceBundle } from './constructor.api';

/** Saves a service bundle as a `.okno.json` file through the browser's download. */
export function downloadBundle(bundle: ServiceBundle): void {
  const blob = new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = bundleFileName(bundle);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
