import { http, type Page, type QueryValue } from '../../api/http';
import type { Items } from '@contract/common';
import type { CreateInstructionRequest, InstructableEmployee, Instruction } from '@contract/instructions';

// Every request and answer type is the API contract's (server/contract/instructions.ts).
export { INSTRUCTION_SCOPES } from '@contract/enums';
export type { InstructionScope, InstructionStatus } from '@contract/enums';
export type { CreateInstructionRequest, InstructableEmployee, Instruction } from '@contract/instructions';

export type InstructionQuery = { page: number; pageSize: number; sort?: string; q?: string; scope: string };

/** Calls of /api/instructions. */
export const instructionsApi = {
  list: (query: InstructionQuery) =>
    http.get<Page<Instruction>>('/api/instructions', query as Record<string, QueryValue>),
  create: (body: CreateInstructionRequest) => http.post<Instruction>('/api/instructions', body),
  employees: () => http.get<Items<InstructableEmployee>>('/api/instructions/employees'),
};
