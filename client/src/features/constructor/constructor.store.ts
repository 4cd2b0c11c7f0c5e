import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { ApiError } from '../../api/http';
import {
  constructorApi,
  type Answers,
  type Coverage,
  type DepartmentOption,
  type FormSchema,
  type Problem,
  type PublishResult,
  type ServiceDetail,
  type StaffGroupOption,
  type TryResult,
  type VersionSummary,
} from './constructor.api';

/**
 * State of the service constructor: the open service's draft metadata, forms, problems, "Try it" result and
 * versions, plus the org pickers. The BPMN itself lives in the modeler (never here): actions that need it take
 * the XML the editor exports.
 */
// Not 'constructor': Pinia looks the id up in a plain object, where `constructor` is Object's own and
// would be taken for hydration state (every ref starting undefined).
export const useConstructorStore = defineStore('service-constructor', () => {
  const departments = ref<DepartmentOption[]>([]);
  const groups = ref<StaffGroupOption[]>([]);
  const refsLoaded = ref(false);

  const service = shallowRef<ServiceDetail | null>(null);
  const forms = ref<FormSchema[]>([]);
  const dirty = ref(false);
  const loading = ref(false);
  const loadError = ref<unknown>(null);
  const saving = ref(false);
  const saveError = ref<unknown>(null);

  const validating = ref(false);
  const validated = ref(false);
  const problems = ref<Problem[]>([]);
  const coverage = shallowRef<Coverage | null>(null);
  const validateError = ref<unknown>(null);

  const trying = ref(false);
  const tryResult = shallowRef<TryResult | null>(null);
  const tryError = ref<unknown>(null);

  const versions = ref<VersionSummary[]>([]);
  const versionsLoading = ref(false);
  const versionsError = ref<unknown>(null);

  const errors = computed(() => problems.value.filter((p) => p.severity === 'error'));
  const warnings = computed(() => problems.value.filter((p) => p.severity === 'warning'));
  const code = computed(() => service.value?.code ?? null);
  /** Units that may provide a service (departments, divisions, offices) for the filter and the create form. */
  const departmentOptions = computed(() =>
    departments.value.filter((u) => u.isActive).map((u) => ({ value: u.code, label: u.name })),
  );
  const groupOptions = computed(() => groups.value.map((g) => ({ value: g.code, label: `${g.name} (${g.code})` })));

  /** A department's display name by code. */
  function departmentName(codeOf: string): string {
    const u = departments.value.find((d) => d.code === codeOf);
    return u ? u.shortName || u.name : codeOf;
  }

  /** Loads org units and staff groups once (again when `force`); failures leave the pickers empty. */
  async function loadRefs(force = false): Promise<void> {
    if (refsLoaded.value && !force) return;
    const [units, staffGroups] = await Promise.allSettled([constructorApi.units(), constructorApi.groups()]);
    if (units.status === 'fulfilled') departments.value = units.value;
    if (staffGroups.status === 'fulfilled') groups.value = staffGroups.value;
    refsLoaded.value = units.status === 'fulfilled' && staffGroups.status === 'fulfilled';
  }

  function resetEditor() {
    service.value = null;
    forms.value = [];
    dirty.value = false;
    problems.value = [];
    coverage.value = null;
    validated.value = false;
    validateError.value = null;
    tryResult.value = null;
    tryError.value = null;
    saveError.value = null;
    versions.value = [];
  }

  /** Loads a service with its draft; the editor then imports `service.draft.xml` into the modeler. */
  async function open(serviceCode: string): Promise<ServiceDetail | null> {
    resetEditor();
    loading.value = true;
    loadError.value = null;
    try {
      const detail = await constructorApi.get(serviceCode);
      service.value = detail;
      forms.value = structuredClone(detail.draft.forms);
      return detail;
    } catch (err) {
      loadError.value = err;
      return null;
    } finally {
      loading.value = false;
    }
  }

  /** Marks the draft as changed since the last save. */
  function markDirty(): void {
    dirty.value = true;
  }

  /** Saves the draft (XML from the modeler plus the forms); a 400 with problems fills the problems panel. */
  async function save(xml: string): Promise<boolean> {
    if (!service.value) return false;
    saving.value = true;
    saveError.value = null;
    try {
      const detail = await constructorApi.saveDraft(service.value.code, {
        xml,
        forms: forms.value,
        revision: service.value.draft.revision,
      });
      service.value = detail;
      dirty.value = false;
      return true;
    } catch (err) {
      saveError.value = err;
      const found = problemsOf(err);
      if (found) {
        problems.value = found;
        validated.value = true;
      }
      return false;
    } finally {
      saving.value = false;
    }
  }

  let validation = 0;
  /**
   * Validates the current XML and forms (not yet saved) with the server's rules, or the stored draft when no XML is
   * given (right after opening: nothing to export from the modeler); a newer call wins over older answers.
   */
  async function validate(xml?: string): Promise<void> {
    if (!service.value) return;
    const mine = ++validation;
    validating.value = true;
    validateError.value = null;
    try {
      const report = await constructorApi.validate(
        service.value.code,
        xml === undefined ? {} : { xml, forms: forms.value },
      );
      if (mine !== validation) return;
      problems.value = report.problems;
      coverage.value = report.coverage;
      validated.value = true;
    } catch (err) {
      if (mine !== validation) return;
      const found = problemsOf(err);
      if (found) {
        problems.value = found;
        validated.value = true;
      } else validateError.value = err;
    } finally {
      if (mine === validation) validating.value = false;
    }
  }

  /**
   * "Try it": evaluates the answers on what the analyst sees. With unsaved changes the editor's XML goes along
   * (nothing is saved); otherwise the server evaluates the stored draft. A 400 with problems fills the problems panel.
   */
  async function tryIt(answers: Answers, xmlIfDirty?: () => Promise<string>): Promise<TryResult | null> {
    if (!service.value) return null;
    trying.value = true;
    tryError.value = null;
    try {
      const xml = dirty.value && xmlIfDirty ? await xmlIfDirty() : undefined;
      tryResult.value = await constructorApi.tryIt(service.value.code, answers, xml);
      return tryResult.value;
    } catch (err) {
      tryError.value = err;
      const found = problemsOf(err);
      if (found) {
        problems.value = found;
        validated.value = true;
      }
      return null;
    } finally {
      trying.value = false;
    }
  }

  function clearTry(): void {
    tryResult.value = null;
    tryError.value = null;
  }

  /** Publishes the saved draft as a new version; refreshes the service and its versions. */
  async function publish(comment: string): Promise<PublishResult> {
    if (!service.value) throw new Error('No service is open');
    const result = await constructorApi.publish(service.value.code, comment);
    const detail = await constructorApi.get(service.value.code);
    service.value = detail;
    await loadVersions();
    return result;
  }

  /** Loads the published versions of the open service. */
  async function loadVersions(): Promise<void> {
    if (!service.value) return;
    versionsLoading.value = true;
    versionsError.value = null;
    try {
      versions.value = (await constructorApi.versions(service.value.code)).items;
    } catch (err) {
      versionsError.value = err;
    } finally {
      versionsLoading.value = false;
    }
  }

  /** Adds or replaces a form (by id). */
  function upsertForm(form: FormSchema): void {
    const i = forms.value.findIndex((f) => f.id === form.id);
    if (i >= 0) forms.value.splice(i, 1, form);
    else forms.value.push(form);
    dirty.value = true;
  }

  /** Removes a form by id. */
  function removeForm(id: string): void {
    forms.value = forms.value.filter((f) => f.id !== id);
    dirty.value = true;
  }

  return {
    departments,
    groups,
    departmentOptions,
    groupOptions,
    departmentName,
    loadRefs,
    service,
    code,
    forms,
    dirty,
    loading,
    loadError,
    saving,
    saveError,
    validating,
    validated,
    problems,
    errors,
    warnings,
    coverage,
    validateError,
    trying,
    tryResult,
    tryError,
    versions,
    versionsLoading,
    versionsError,
    open,
    markDirty,
    save,
    validate,
    tryIt,
    clearTry,
    publish,
    loadVersions,
    upsertForm,
    removeForm,
    resetEditor,
  };
});

/** The model problems a 400 `service_invalid` (or a failed deploy) carries, if any. */
export function problemsOf(err: unknown): Problem[] | null {
  if (!(err instanceof ApiError)) return null;
  const list = err.details.problems;
  if (!Array.isArray(list)) return null;
  return list.filter(
    (p): p is Problem => typeof p === 'object' && p !== null && typeof (p as Problem).message === 'string',
  );
}
